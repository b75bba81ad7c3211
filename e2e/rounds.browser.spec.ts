/**
 * Cleaning rounds in a browser against `relabel serve`: review part of round 1 (the stop signal follows),
 * start round 2 from the Train page (on the reviewed labels, the default once decisions exist) and see the new
 * queue, without the images already decided. Needs `npm run build` and Chromium at /usr/bin/chromium.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentIssue, decideWithKey, expectReviewed, gotoRoute, openReview, type Expected } from './flows';
import { relabel } from './helpers/cli';
import { startServe, type Served } from './helpers/serve';

test.describe.configure({ mode: 'serial' });

let workDir: string;
let served: Served;
let page: Page;
const consoleErrors: string[] = [];

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(300_000);
  if (!existsSync('out/main/cli.js')) throw new Error('the app is not built: run npm run build first');
  workDir = mkdtempSync(join(tmpdir(), 'relabel-e2e-rounds-'));
  const data = join(workDir, 'faces');
  relabel(['demo', data, '--source', 'procedural', '--count', '160', '--size', '16', '--seed', '7']);
  const projectPath = join(workDir, 'faces.relabel');
  relabel([
    'import',
    join(data, 'train_img'),
    '--labels',
    join(data, 'label_train.txt'),
    '--project',
    projectPath,
  ]);
  relabel(
    [
      'train',
      '--folds',
      '2',
      '--epochs',
      '1',
      '--workers',
      '1',
      '--backend',
      'wasm',
      '--project',
      projectPath,
    ],
    { timeoutMs: 240_000 },
  );
  served = await startServe(projectPath, 'e2e');
  page = await browser.newPage();
  await page.addInitScript(() => localStorage.setItem('relabel.annotator', 'e2e'));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(served.url);
});

test.afterAll(async () => {
  await page?.close();
  await served?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('round 1: decisions feed the stop signal; round 2 from the Train page queues only undecided images', async () => {
  test.setTimeout(240_000);
  await openReview(page);
  const signal = page.getByTestId('stop-signal');
  await expect(signal).toHaveAttribute('data-verdict', 'not-started');
  await expect(signal.getByRole('button')).toContainText('Round 1');

  const expected: Expected = new Map();
  const decided: number[] = [];
  decided.push(
    (await decideWithKey(page, 'w', expected, () => ({ action: 'relabel', finalLabel: null }))).sampleIndex,
  );
  decided.push(
    (await decideWithKey(page, 'e', expected, () => ({ action: 'exclude', finalLabel: null }))).sampleIndex,
  );
  decided.push(
    (await decideWithKey(page, 'q', expected, () => ({ action: 'keep', finalLabel: null }))).sampleIndex,
  );
  await expect(signal).toHaveAttribute('data-verdict', 'keep-going');
  await expect(signal.getByRole('button')).toContainText('3 so far');
  await signal.getByRole('button').click();
  await expect(page.getByTestId('stop-sentence')).toContainText(
    /^The 3 issues reviewed so far were \d+% errors/,
  );

  // Round 2 from the UI: the Train page offers the reviewed labels by default now.
  await gotoRoute(page, 'train');
  const form = page.getByRole('form', { name: 'Training settings' });
  await expect(form.getByLabel('Train on')).toHaveValue('reviewed');
  await form.getByLabel('Folds').fill('2');
  await form.getByLabel('Epochs').fill('1');
  await form.getByLabel('Workers').fill('1');
  await form.getByLabel('Backend').selectOption('wasm');
  await form.getByRole('button', { name: 'Start training' }).click();
  await expect(page.getByTestId('job-train')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await expect(page.getByTestId('run-labels')).toHaveText(/trained on the reviewed labels/);
  await expect(page.getByTestId('issue-set')).toContainText('Round 2');

  await openReview(page);
  await expect(signal.getByRole('button')).toContainText('Round 2');
  await expect(signal).toHaveAttribute('data-verdict', 'not-started');
  const first = await currentIssue(page);
  expect(first.rank).toBe(1);
  expect(decided).not.toContain(first.sampleIndex);
  // None of the queue is decided: the three round-1 decisions stand and are not queued again.
  await expectReviewed(page, 0);

  await gotoRoute(page, 'results');
  await expect(page.getByTestId('rounds-table').locator('tbody tr')).toHaveCount(2);
  expect(consoleErrors).toEqual([]);
});
