/**
 * The whole workflow in a browser against `relabel serve`: import → train (tiny) → find issues → review with
 * the keyboard, filters and bulk actions → live update from another client → retrain → export, checked
 * against the project file and the exported files. Screenshots of every page go to test-results/screenshots/.
 * Needs `npm run build` (CLI + renderer) and Chromium at /usr/bin/chromium.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  currentIssue,
  decideWithKey,
  expectAccessibleNames,
  expectReviewed,
  gotoRoute,
  panel,
  reviewFlow,
  settled,
  type Expected,
} from './flows';
import { createEmptyProject, relabel } from './helpers/cli';
import { storedDecisions } from './helpers/db';
import { screenshot } from './helpers/screens';
import { startServe, type Served } from './helpers/serve';

test.describe.configure({ mode: 'serial' });

let workDir: string;
let dataDir: string;
let projectPath: string;
let served: Served;
let context: BrowserContext;
let page: Page;
let expected: Expected = new Map();
const consoleErrors: string[] = [];

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  test.setTimeout(180_000);
  if (!existsSync('out/main/cli.js') || !existsSync('out/renderer/index.html')) {
    throw new Error('the app is not built: run npm run build before the e2e tests');
  }
  workDir = mkdtempSync(join(tmpdir(), 'relabel-e2e-browser-'));
  dataDir = join(workDir, 'demo');
  relabel(['demo', dataDir, '--count', '300', '--size', '32', '--seed', '3']);
  projectPath = join(workDir, 'review.relabel');
  createEmptyProject(projectPath);
  served = await startServe(projectPath, 'e2e');
  context = await browser.newContext();
  page = await context.newPage();
  // This browser has reviewed before: the review does not ask for the annotator's name.
  await page.addInitScript(() => localStorage.setItem('relabel.annotator', 'e2e'));
  collectErrors(page);
});

function collectErrors(p: Page): void {
  p.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  p.on('pageerror', (e) => consoleErrors.push(e.message));
}

test.afterAll(async () => {
  await context?.close();
  await served?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('an empty project opens on the import page; importing shows progress and the dataset', async () => {
  await page.goto(served.url);
  await expect(page).toHaveURL(/#\/projects$/);
  await expect(page.getByTestId('project-name')).toHaveText('review');
  await page.getByLabel('Dataset folder or file').fill(join(workDir, 'missing'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('job-import')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('job-import').getByRole('alert')).toContainText('missing');
  await screenshot(page, '01-projects-import-error', test.info());

  await page.getByLabel('Dataset folder or file').fill(dataDir);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('job-import')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('job-import')).toContainText('imported 300 images');
  await expect(
    page.getByText('Images', { exact: true }).locator('xpath=following-sibling::dd[1]'),
  ).toContainText('300');
  await screenshot(page, '02-projects-imported', test.info());
});

test('dataset page: class balance chart, thumbnails per class, search by file name', async () => {
  await gotoRoute(page, 'dataset');
  await expect(page.getByRole('img', { name: /Images per given class/ })).toBeVisible();
  const tiles = page.locator('.tile');
  await expect(tiles).toHaveCount(48);
  await expect(page.getByTestId('sample-range')).toHaveText('1–48 of 300');
  await expect(tiles.first().locator('img')).toHaveJSProperty('complete', true);
  expect(
    await tiles
      .first()
      .locator('img')
      .evaluate((img: HTMLImageElement) => img.naturalWidth),
  ).toBeGreaterThan(0);
  await screenshot(page, '03-dataset', test.info());

  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(page.getByTestId('sample-range')).toHaveText('49–96 of 300');
  await page.getByRole('group', { name: 'Filter by class' }).getByRole('button').nth(1).click();
  await expect(page.getByTestId('sample-range')).toHaveText(/^1–\d+ of \d+$/);
  const firstName = (await tiles.first().locator('.name').textContent())!.trim();
  await page.getByRole('group', { name: 'Filter by class' }).getByRole('button', { name: 'All' }).click();
  await page.getByLabel('Search by file name').fill(firstName);
  await expect(page.getByTestId('sample-range')).toHaveText('1–1 of 1');
  await tiles.first().click();
  const preview = page.getByRole('dialog');
  await expect(preview).toBeVisible();
  await expect(preview.getByRole('img')).toHaveJSProperty('complete', true);
  await screenshot(page, '04-dataset-preview', test.info());
  await page.keyboard.press('Escape');
  await expect(preview).toBeHidden();
});

test('train page: tiny cross-validation with live progress and curves, then find label issues', async () => {
  // Before any training the review says what to do first, and links there.
  await gotoRoute(page, 'review');
  await expect(page.getByRole('heading', { name: 'Nothing to review yet' })).toBeVisible();
  await page.getByTestId('review-page').getByRole('link', { name: 'Train', exact: true }).click();
  await expect(page).toHaveURL(/#\/train$/);
  // The doctor's backend diagnosis: this machine has no GPU and no libtensorflow, so wasm, and why.
  await expect(page.getByText('Training will use wasm.')).toBeVisible();
  await expect(page.getByTestId('backend-why')).toContainText('tensorflow-gpu not used: no NVIDIA driver');
  await page.getByLabel('Folds').fill('2');
  await page.getByLabel('Epochs').fill('2');
  await page.getByLabel('Batch size').fill('32');
  await page.getByLabel('Workers').fill('1');
  await page.getByLabel('Backend').selectOption('auto');
  await page.getByRole('button', { name: 'Start training' }).click();
  const job = page.getByTestId('job-train');
  await expect(job).toBeVisible();
  await expect(page.getByTestId('active-job')).toBeVisible();
  await screenshot(page, '05-train-running', test.info());
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  await expect(job).toContainText('label issues ready for review');
  await expect(page.getByTestId('backend-why')).toContainText('Fix: install the NVIDIA driver');
  await expect(page.getByTestId('backend-why').locator('code').first()).toHaveText('nvidia-smi');
  // The curves came from the job events' points: one line per fold.
  await expect(
    page.getByRole('img', { name: 'Training loss per epoch' }).locator('path:not([stroke-dasharray])'),
  ).toHaveCount(2);
  await screenshot(page, '06-train-done', test.info());

  await page.getByLabel('Filter by').selectOption('prune_by_noise_rate');
  await page.getByLabel('Ranked by').selectOption('self_confidence');
  await page.getByRole('button', { name: 'Find label issues' }).click();
  await expect(page.getByTestId('issue-set')).toContainText('label issues');
  const count = Number((await page.getByTestId('issue-set').locator('b').textContent())!.replace(/\D/g, ''));
  expect(count, 'the tiny model should flag enough issues for the review flow').toBeGreaterThanOrEqual(15);
  await screenshot(page, '07-train-issues', test.info());
});

test('review: opens on the top-ranked undecided issue with its image, labels and probabilities', async () => {
  await page.getByRole('link', { name: 'Review issues →' }).click();
  await expect(panel(page)).toBeVisible();
  // The toolbar's stop signal arrives after the issues and may take a row: measure the layout after it.
  await expect(page.getByTestId('stop-signal')).toBeVisible();
  const first = await currentIssue(page);
  expect(first.rank).toBe(1);
  const image = page.getByTestId('issue-image');
  await expect(image).toHaveJSProperty('complete', true);
  const shown = await image.evaluate((img: HTMLImageElement) => ({
    natural: img.naturalWidth,
    width: img.getBoundingClientRect().width,
    rendering: getComputedStyle(img).imageRendering,
  }));
  expect(shown.natural).toBe(32);
  expect(shown.width).toBeGreaterThanOrEqual(256);
  expect(shown.rendering).toBe('pixelated');
  const probabilities = page.getByRole('group', { name: /Class probabilities/ });
  await expect(
    probabilities.getByRole('button', { name: /^Set class \d+ .*probability \d+\.\d%$/ }),
  ).toHaveCount(2);
  await expect(page.getByTestId('suggested-label')).not.toBeEmpty();
  // The main review view fits 1280×800 without scrolling.
  const overflow = await page.evaluate(() => ({
    doc: document.documentElement.scrollHeight > window.innerHeight,
    side: (() => {
      const side = document.querySelector('.side') as HTMLElement;
      return side.scrollHeight > side.clientHeight + 1;
    })(),
  }));
  expect(overflow).toEqual({ doc: false, side: false });

  // Zoom: buttons and the wheel.
  const before = shown.width;
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(() => image.evaluate((img) => img.getBoundingClientRect().width)).toBeGreaterThan(before);
  await page.getByRole('button', { name: 'Fit the image to the pane' }).click();
  await expect.poll(() => image.evaluate((img) => img.getBoundingClientRect().width)).toBeCloseTo(before, 0);
  await image.hover();
  await page.mouse.wheel(0, -200);
  await expect.poll(() => image.evaluate((img) => img.getBoundingClientRect().width)).toBeGreaterThan(before);
  await page.getByRole('button', { name: 'Fit the image to the pane' }).click();
  await screenshot(page, '08-review', test.info());

  // A filter nothing matches says so, and "Clear filters" brings the queue back.
  await page.getByLabel('Review status').selectOption('decided');
  const empty = page.getByTestId('review-empty');
  await expect(empty).toHaveAttribute('data-reason', 'no-match');
  await expect(empty.getByRole('heading', { name: 'No issue matches this filter' })).toBeVisible();
  await empty.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByLabel('Review status')).toHaveValue('all');
  expect((await currentIssue(page)).rank).toBe(1);
});

test('review: "saved" only after the call resolved; a failed save is shown and not marked saved', async () => {
  const issue = await currentIssue(page);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route('**/api/decide', async (route) => {
    await gate;
    await route.fulfill({
      status: 409,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'conflict', message: 'the disk is full (test)' } }),
    });
  });
  await page.keyboard.press('q');
  // Optimistic: the next issue is shown at once, the decision is "saving…" until the server answers.
  await expect(panel(page)).not.toHaveAttribute('data-sample-index', String(issue.sampleIndex));
  await expect(page.getByTestId('save-status')).toHaveText(`#${issue.rank} saving…`);
  await page.waitForTimeout(300);
  await expect(page.getByTestId('save-status')).toHaveText(`#${issue.rank} saving…`);
  release();
  await expect(page.getByTestId('save-status')).toContainText('not saved: the disk is full (test)');
  await page.unroute('**/api/decide');
  await page.keyboard.press('ArrowLeft');
  await expect(panel(page)).toHaveAttribute('data-sample-index', String(issue.sampleIndex));
  await expect(panel(page)).toHaveAttribute('data-action', 'none');
  await expect(page.getByTestId('decision-status')).toContainText('not saved');
  expect(storedDecisions(projectPath).size).toBe(0);
});

test('review: keyboard, filters and bulk decisions are saved to the project file', async () => {
  expected = await reviewFlow(page);
  await screenshot(page, '09-review-after-flow', test.info());
  const stored = storedDecisions(projectPath);
  expect(stored.size).toBe(expected.size);
  for (const [path, want] of expected) {
    const got = stored.get(path);
    expect(got, path).toBeDefined();
    expect(got!.action, path).toBe(want.action);
    if (want.action === 'relabel') expect(got!.newLabel, path).toBe(want.finalLabel);
    expect(got!.annotator).toBe('e2e');
  }
});

test('review: grid mode screenshot; a reload keeps the issue; opening the review starts at the top-ranked undecided issue', async () => {
  await page.keyboard.press('g');
  await expect(page.getByTestId('grid-tile').first()).toBeVisible();
  await screenshot(page, '10-review-grid', test.info());
  await page.keyboard.press('g');

  const before = await currentIssue(page);
  await page.reload();
  await expect(panel(page)).toBeVisible();
  await settled(page);
  expect((await currentIssue(page)).sampleIndex).toBe(before.sampleIndex);

  // A new tab (a fresh page load with its own review session) opens at the top-ranked undecided issue; the
  // remaining tests go on in it.
  const tab = await context.newPage();
  collectErrors(tab);
  await page.close();
  page = tab;
  await page.goto(`${served.url}#/review`);
  await expect(panel(page)).toBeVisible();
  await settled(page);
  const opened = await currentIssue(page);
  expect(opened.action).toBe('none');
  const topUndecided = await page.evaluate(async () => {
    const r = await fetch('/api/getIssues', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filter: { status: 'undecided' }, limit: 1 }),
    });
    return ((await r.json()) as { issues: { rank: number }[] }).issues[0].rank;
  });
  expect(opened.rank).toBe(topUndecided);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await screenshot(page, '11-review-shortcuts', test.info());
  await page.keyboard.press('Escape');
});

test('review: a decision by another client shows up live', async () => {
  const issue = await currentIssue(page);
  expect(issue.action).toBe('none');
  const res = await fetch(new URL('/api/decide', served.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.ownerToken}` },
    body: JSON.stringify({ sampleIndices: [issue.sampleIndex], action: 'exclude' }),
  });
  expect(res.status).toBe(200);
  await expect(panel(page)).toHaveAttribute('data-action', 'exclude');
  await expect(page.getByTestId('decision-badge')).toHaveText('Excluded');
  expected.set(issue.path, { sampleIndex: issue.sampleIndex, action: 'exclude', finalLabel: null });
  await expectReviewed(page, expected.size);
});

test('results: retrain on the reviewed labels, compare before/after, export', async () => {
  await gotoRoute(page, 'results');
  await page.getByTestId('retrain').click();
  const job = page.getByTestId('job-retrain');
  await expect(job).toBeVisible();
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  await expect(page.getByTestId('after-accuracy')).toHaveText(/\d+\.\d%/);
  await expect(page.getByRole('img', { name: /Confusion matrix after review/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Run history' }).locator('tbody tr')).toHaveCount(3);

  const outDir = join(workDir, 'export');
  await expect(page.getByLabel('Output folder')).toHaveValue(outDir);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const result = page.getByTestId('export-result');
  await expect(result).toContainText('Exported 300 labels');
  await expect(result).toContainText(join(outDir, 'label_train.txt'));
  await page.locator('.page').evaluate((el) => el.scrollTo(0, 0));
  await screenshot(page, '12-results', test.info());
  await result.scrollIntoViewIfNeeded();
  await screenshot(page, '13-results-export', test.info());

  const lines = readFileSync(join(outDir, 'label_train.txt'), 'utf8').trimEnd().split('\n');
  const original = readFileSync(join(dataDir, 'label_train.txt'), 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(300);
  const excluded = readFileSync(join(outDir, 'excluded.txt'), 'utf8').split('\n').filter(Boolean);
  const wantExcluded: string[] = [];
  for (const [path, want] of expected) {
    const line = lines[want.sampleIndex].trim();
    if (want.action === 'relabel') expect(Number(line), path).toBe(want.finalLabel);
    else expect(line, path).toBe(original[want.sampleIndex].trim());
    if (want.action === 'exclude') wantExcluded.push(path);
  }
  expect(excluded.sort()).toEqual(wantExcluded.sort());
  // Undecided images keep their given label.
  const decided = new Set([...expected.values()].map((d) => d.sampleIndex));
  for (let i = 0; i < 300; i++) if (!decided.has(i)) expect(lines[i].trim()).toBe(original[i].trim());
});

test('every page in the dark theme, accessible names everywhere, and no console errors', async () => {
  for (const route of ['projects', 'dataset', 'train', 'results', 'review']) {
    await gotoRoute(page, route);
    await page.waitForTimeout(300);
    await expectAccessibleNames(page);
  }
  await page.keyboard.press('g');
  await expect(page.getByTestId('grid-tile').first()).toBeVisible();
  await expectAccessibleNames(page);
  await page.keyboard.press('g');

  await page.emulateMedia({ colorScheme: 'dark' });
  await gotoRoute(page, 'review');
  await expect(panel(page)).toBeVisible();
  await screenshot(page, '14-review-dark', test.info());
  await gotoRoute(page, 'train');
  await screenshot(page, '15-train-dark', test.info());
  await gotoRoute(page, 'results');
  await expect(page.getByTestId('metrics')).toBeVisible();
  await screenshot(page, '16-results-dark', test.info());
  await page.emulateMedia({ colorScheme: 'light' });
  expect(consoleErrors.filter((e) => !e.includes('409'))).toEqual([]);
});

test('an annotator link: ?token= remembered across reloads, owner actions absent and refused, review works', async ({
  browser,
}) => {
  const token = 'e2e-annotator-0123456789';
  const team = await startServe(projectPath, 'e2e-annotator', ['--token', token]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => localStorage.setItem('relabel.annotator', 'e2e'));
  try {
    const tab = await context.newPage();
    expect(team.annotatorUrl).toContain(`?token=${token}`);
    await tab.goto(`${team.annotatorUrl}#/dataset`);
    await expect(tab.getByTestId('project-name')).toHaveText('review');
    await expect(tab.getByTestId('role-badge')).toHaveText('review only');
    // The token leaves the address bar but stays for this tab.
    expect(new URL(tab.url()).searchParams.has('token')).toBe(false);
    // After a reload (no token in the URL any more) the remembered token still goes with every API call
    // as a Bearer header, and with media and event URLs as ?token=.
    const authHeaders: (string | undefined)[] = [];
    tab.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/') && r.method() === 'POST') {
        authHeaders.push(r.headers()['authorization']);
      }
    });
    await tab.reload();
    await expect(tab.getByTestId('sample-range')).toHaveText('1–48 of 300');
    expect(authHeaders.length).toBeGreaterThan(0);
    expect(new Set(authHeaders)).toEqual(new Set([`Bearer ${token}`]));
    const thumb = tab.locator('.tile img').first();
    await expect(thumb).toHaveJSProperty('complete', true);
    expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await thumb.getAttribute('src')).toContain(`token=${token}`);

    // Owner actions are not offered.
    await gotoRoute(tab, 'projects');
    await expect(tab.getByTestId('role')).toContainText('annotator: review only');
    await expect(tab.getByLabel('Dataset folder or file')).toHaveCount(0);
    await gotoRoute(tab, 'train');
    await expect(tab.getByTestId('owner-only')).toBeVisible();
    await expect(tab.getByRole('button', { name: 'Start training' })).toHaveCount(0);
    await expect(tab.getByRole('button', { name: 'Find label issues' })).toHaveCount(0);
    await gotoRoute(tab, 'results');
    await expect(tab.getByTestId('retrain')).toHaveCount(0);
    await expect(tab.getByRole('button', { name: 'Export', exact: true })).toHaveCount(0);
    await gotoRoute(tab, 'review');
    await expect(panel(tab)).toBeVisible();
    await tab.keyboard.press('g');
    await expect(tab.getByTestId('grid-tile').first()).toBeVisible();
    await expect(tab.getByRole('button', { name: 'Accept…' })).toHaveCount(0);
    await tab.keyboard.press('g');

    // An owner call forced from the page (same origin, the annotator's token) is refused, and nothing is written.
    const forced = await tab.evaluate(async (t) => {
      const r = await fetch('/api/exportLabels', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${t}` },
        body: JSON.stringify({ outDir: 'annotator-export' }),
      });
      return { status: r.status, body: (await r.json()) as { error: { code: string } } };
    }, token);
    expect(forced).toEqual({
      status: 403,
      body: {
        error: {
          code: 'forbidden',
          message: "exportLabels needs the project owner's link; an annotator link may only review",
        },
      },
    });
    expect(existsSync(join(workDir, 'annotator-export'))).toBe(false);

    // Review works: a decision with a key is saved under the name this browser gave (asked once, remembered),
    // not the server's default name.
    await settled(tab);
    const mine = await decideWithKey(tab, 'e', new Map(), () => ({ action: 'exclude', finalLabel: null }));
    const stored = storedDecisions(projectPath).get(mine.path);
    expect(stored).toMatchObject({ action: 'exclude', annotator: 'e2e' });

    // Live events over the token-protected stream: a decision made by the owner shows up.
    const issue = await currentIssue(tab);
    const res = await fetch(new URL('/api/decide', team.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${team.ownerToken}` },
      body: JSON.stringify({ sampleIndices: [issue.sampleIndex], action: 'keep' }),
    });
    expect(res.status).toBe(200);
    await expect.poll(() => panel(tab).getAttribute('data-action'), { timeout: 15_000 }).not.toBe('none');
  } finally {
    await context.close();
    await team.stop();
  }
});
