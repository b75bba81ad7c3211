/**
 * "Show why" in a browser against `relabel serve`: the class-evidence map on the Dataset page, the saliency
 * overlay toggled with `s` in the review (and cancelled/replaced when moving on), and the before/after
 * overlays on the Results page. Screenshots go to test-results/screenshots/evidence-*.png.
 * Needs `npm run build` (CLI + renderer) and Chromium at /usr/bin/chromium.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentIssue, gotoRoute, openReview } from './flows';
import { relabel } from './helpers/cli';
import { screenshot } from './helpers/screens';
import { startServe, type Served } from './helpers/serve';

test.describe.configure({ mode: 'serial' });

let workDir: string;
let projectPath: string;
let served: Served;
let page: Page;
const consoleErrors: string[] = [];

/** How many pixels of the canvas inside `testid` are painted (alpha > 0). */
async function paintedPixels(page: Page, testid: string): Promise<number> {
  return page
    .getByTestId(testid)
    .first()
    .locator('canvas')
    .evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
}

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(300_000);
  if (!existsSync('out/main/cli.js') || !existsSync('out/main/explain-worker.js')) {
    throw new Error('the app is not built: run npm run build before the e2e tests');
  }
  workDir = mkdtempSync(join(tmpdir(), 'relabel-e2e-evidence-'));
  const data = join(workDir, 'faces');
  relabel(['demo', data, '--source', 'procedural', '--count', '400', '--size', '32', '--seed', '5']);
  projectPath = join(workDir, 'faces.relabel');
  relabel([
    'import',
    join(data, 'train_img'),
    '--labels',
    join(data, 'label_train.txt'),
    '--project',
    projectPath,
  ]);
  const small = ['--epochs', '3', '--workers', '1', '--backend', 'wasm', '--project', projectPath];
  relabel(['train', '--folds', '2', ...small], { timeoutMs: 240_000 });
  served = await startServe(projectPath, 'e2e');
  page = await browser.newPage();
  // This browser has reviewed before: the review does not ask for the annotator's name.
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

test('dataset page: the class-evidence heatmap, its top-10 % mask and class samples', async () => {
  await gotoRoute(page, 'dataset');
  const card = page.getByTestId('class-evidence');
  await expect(card.getByTestId('class-evidence-map')).toHaveCount(1); // two classes: one map
  await expect(card.getByRole('img', { name: /^F statistic per pixel/ })).toBeVisible();
  await expect(card.getByRole('img', { name: /10 % most separating pixels/ })).toBeVisible();
  expect(await paintedPixels(page, 'class-evidence-heatmap')).toBe(32 * 32);
  await expect(card.getByText(/top 10 % \(10[23] pixels\)/)).toBeVisible();
  await expect(card.locator('.samples img')).toHaveCount(12);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'evidence-dataset-map', test.info());
});

test('review: `s` shows where the out-of-fold model looked, and follows the annotator', async () => {
  await openReview(page);
  await expect(page.getByTestId('saliency-overlay')).toHaveCount(0);
  await page.keyboard.press('s');
  const overlay = page.getByTestId('saliency-overlay');
  await expect(overlay).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('saliency-legend')).toContainText('evidence for');
  expect(await paintedPixels(page, 'saliency-overlay')).toBeGreaterThan(0);
  const first = await currentIssue(page);
  await screenshot(page, 'evidence-review-overlay', test.info());

  // Moving on: the overlay now belongs to the next image.
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await currentIssue(page)).sampleIndex).not.toBe(first.sampleIndex);
  const second = await currentIssue(page);
  await expect(overlay).toHaveAttribute('data-sample-index', String(second.sampleIndex), { timeout: 60_000 });

  await page.keyboard.press('s');
  await expect(overlay).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('results page: before/after overlays on held-out images where the models disagree', async () => {
  // Relabel 30 images to their suggested class, so the "after" model learns other labels than "before".
  await openReview(page);
  for (let i = 0; i < 30; i++) {
    const before = await currentIssue(page);
    await page.keyboard.press('w');
    await expect.poll(async () => (await currentIssue(page)).sampleIndex).not.toBe(before.sampleIndex);
  }
  await gotoRoute(page, 'results');
  await page.getByTestId('retrain').click();
  await expect(page.getByTestId('job-retrain')).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  const section = page.getByRole('region', { name: 'Where the two models disagree' });
  await expect(section).toBeVisible();
  const items = section.getByTestId('disagreement');
  // A tiny model pair may agree everywhere; then the page says so.
  await expect(items.first().or(section.getByText(/agree on all/))).toBeVisible({ timeout: 60_000 });
  if ((await items.count()) > 0) {
    await expect(items.first().getByTestId('saliency-overlay')).toHaveCount(2, { timeout: 60_000 });
  }
  await section.scrollIntoViewIfNeeded();
  await screenshot(page, 'evidence-results-disagreements', test.info());
});
