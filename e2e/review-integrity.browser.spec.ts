/**
 * The review never loses, misplaces or silently overwrites a decision (issue 15): each bug of the day of real
 * use, replayed at machine speed (0 ms between keys where the bug needs it) against `relabel serve` in
 * Chromium, checked against the project file; then a stress run of random keys whose decision log must equal
 * what the key sequence implies (review-model.ts).
 */
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { panel, settled } from './flows';
import { relabel } from './helpers/cli';
import { decisionLog, replay, reviewer, ReviewFixture } from './helpers/review-project';
import { ReviewModel, type ModelIssue, type ModelKey } from './helpers/review-model';

let fixture: ReviewFixture;

test.beforeAll(() => {
  test.setTimeout(180_000);
  fixture = new ReviewFixture(300, 220);
});

test.afterAll(() => fixture?.cleanup());

async function openReview(page: Page, url: string, query = ''): Promise<void> {
  await page.goto(`${url}#/review${query}`);
  await expect(panel(page)).toBeVisible();
  await settled(page);
}

/** Waits until every key is applied and every change is answered by the server. */
async function allSaved(page: Page): Promise<void> {
  const review = page.getByTestId('review-page');
  await expect(review).toHaveAttribute('data-settling', 'false', { timeout: 30_000 });
  await expect(review).toHaveAttribute('data-pending', '0', { timeout: 30_000 });
}

const rank = async (page: Page) => Number(await panel(page).getAttribute('data-rank'));

test('55 keys at 0 ms across the page boundary (status undecided) decide 55 issues once each, in rank order (bug 4)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url, '?status=undecided');
    for (let i = 0; i < 55; i++) await page.keyboard.press('q', { delay: 0 });
    await allSaved(page);
    const decided = decisionLog(served.project).filter((e) => e.kind === 'decide');
    expect(decided).toHaveLength(55);
    expect(new Set(decided.map((e) => e.index)).size).toBe(55);
    const ranks = await page.evaluate(async () => {
      const r = await fetch('/api/getIssues', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ limit: 55 }),
      });
      return ((await r.json()) as { issues: { sampleIndex: number }[] }).issues.map((x) => x.sampleIndex);
    });
    expect(decided.map((e) => e.index)).toEqual(ranks);
    await expect(page.getByTestId('review-progress')).toContainText('55 of 220 reviewed');
    expect(await rank(page)).toBe(56);
  } finally {
    await context.close();
    await served.stop();
  }
});

test('q, Ctrl+Z, e at 0 ms: the exclude lands on the undone issue (bug 3); sidebar, header and badge agree', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    const first = Number(await panel(page).getAttribute('data-sample-index'));
    await page.keyboard.press('q', { delay: 0 });
    await page.keyboard.press('Control+z', { delay: 0 });
    await page.keyboard.press('e', { delay: 0 });
    // And a burst: the three counters must agree after it.
    for (let i = 0; i < 12; i++) await page.keyboard.press(i % 3 === 0 ? 'w' : 'q', { delay: 0 });
    await allSaved(page);
    const state = replay(decisionLog(served.project));
    expect(state.get(first)).toBe('exclude');
    expect(state.size).toBe(13);
    await expect(page.getByTestId('review-progress')).toContainText('13 of 220 reviewed');
    await expect(page.getByRole('region', { name: 'Review progress' })).toContainText('13 of 220 reviewed');
    await expect(page.getByRole('link', { name: /Review/ }).locator('.count')).toHaveText('207');
  } finally {
    await context.close();
    await served.stop();
  }
});

test('closing the tab with saves pending asks first, and what was queued still reaches the project file (bug 5)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    // Slow every answer down (the server has the request already), so the tab closes while saves are pending.
    // (A context route: it outlives the page, as the browser's delivery of the last requests does.)
    await context.route('**/api/decide', async (route) => {
      const response = await route.fetch();
      await new Promise((r) => setTimeout(r, 5000)); // (longer than a loaded machine takes to close the tab)
      await route.fulfill({ response }).catch(() => undefined);
    });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    for (let i = 0; i < 5; i++) await page.keyboard.press('q', { delay: 0 });
    await expect(page.getByTestId('review-page')).not.toHaveAttribute('data-pending', '0');
    // (A reload asks the same; Playwright only runs the page's beforeunload for close.)
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs).toContain('beforeunload');
    await expect.poll(() => replay(decisionLog(served.project)).size, { timeout: 15_000 }).toBe(5);
  } finally {
    await context.close();
    await served.stop();
  }
});

test('typing "e" into the score box never widens the filter: it is marked invalid; Escape gives the keys back (bug 6)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    const max = page.getByLabel('Maximum score');
    const total = async () => (await panel(page).locator('.rank-row .num').textContent())?.split(' of ')[1];
    await max.fill('0.1');
    await max.press('Enter');
    await settled(page);
    const limited = await total();
    await max.press('e');
    await expect(max).toHaveValue('0.1e');
    await expect(max).toHaveAttribute('aria-invalid', 'true');
    await max.press('Enter');
    await settled(page);
    expect(await total()).toBe(limited);
    await page.keyboard.press('Escape');
    await expect(max).not.toBeFocused();
    const before = Number(await panel(page).getAttribute('data-sample-index'));
    await page.keyboard.press('q');
    await allSaved(page);
    expect(replay(decisionLog(served.project)).get(before)).toBe('keep');
  } finally {
    await context.close();
    await served.stop();
  }
});

test('grid: accepting mixed suggestions is one undo step; accept-all leaves decided issues alone by default (bugs 7, 1)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    await page.keyboard.press('e'); // #1 excluded by hand
    await page.keyboard.press('q'); // #2 kept by hand
    await allSaved(page);
    await page.keyboard.press('g');
    const tiles = page.getByTestId('grid-tile');
    await expect(tiles.first()).toBeVisible();
    // Six tiles whose suggested classes differ, accepted at once.
    for (let i = 2; i < 8; i++) await tiles.nth(i).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Accept suggestions' }).click();
    await allSaved(page);
    expect(replay(decisionLog(served.project)).size).toBe(8);
    await page.keyboard.press('Control+z');
    await allSaved(page);
    expect(replay(decisionLog(served.project)).size).toBe(2);

    await page.getByLabel(/Accept all suggestions in this filter/).fill('0.2');
    await page.getByRole('button', { name: 'Accept…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Accept suggestions' });
    await expect(dialog).toContainText('that have no decision yet');
    await expect(dialog.getByTestId('include-decided')).not.toBeChecked();
    await dialog.getByRole('button', { name: /^Accept \d+/ }).click();
    await allSaved(page);
    const state = replay(decisionLog(served.project));
    expect([...state.values()].filter((v) => v === 'exclude')).toHaveLength(1);
    expect([...state.values()].filter((v) => v === 'keep')).toHaveLength(1);
  } finally {
    await context.close();
    await served.stop();
  }
});

test('after a re-import the old queue says it is out of date and takes no decision (bug 2)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    const other = join(fixture.dir, 'other');
    relabel(['demo', other, '--count', '40', '--size', '24', '--seed', '9']);
    const res = await page.evaluate(async (source) => {
      const r = await fetch('/api/importDataset', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ source }),
      });
      return r.status;
    }, other);
    expect(res).toBe(200);
    await expect(page.getByTestId('stale-queue')).toBeVisible({ timeout: 30_000 });
    await page.keyboard.press('q');
    await expect(page.getByText(/made before the dataset was re-imported/).first()).toBeVisible();
    const accept = await page.evaluate(async () => {
      const r = await fetch('/api/acceptSuggestions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ maxQuality: 1 }),
      });
      return { status: r.status, body: await r.text() };
    });
    expect(accept.status).toBe(409);
    expect(decisionLog(served.project)).toHaveLength(0);
    await expect(page.getByRole('link', { name: /Review/ }).locator('.count')).toHaveText('0');
  } finally {
    await context.close();
    await served.stop();
  }
});

test('two annotators: steered to different issues, asked before overwriting, each with their own undo (bug 11)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const ann = await reviewer(browser, 'ann');
  const bob = await reviewer(browser, 'bob');
  try {
    await openReview(ann.page, served.url);
    expect(await rank(ann.page)).toBe(1);
    await ann.page.waitForTimeout(600); // ann's claim on #1 settles
    await openReview(bob.page, served.url);
    expect(await rank(bob.page)).toBe(2);
    // bob decides #2, ann goes there: it shows bob's decision and a key asks before replacing it.
    await bob.page.keyboard.press('e');
    await allSaved(bob.page);
    await ann.page.keyboard.press('ArrowRight');
    await expect(panel(ann.page)).toHaveAttribute('data-rank', '2');
    await expect(ann.page.getByTestId('decided-by')).toContainText('bob');
    await ann.page.keyboard.press('q');
    const ask = ann.page.getByRole('dialog', { name: 'Overwrite a decision' });
    await expect(ask).toBeVisible();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    // bob's Ctrl+Z undoes bob's decision only, never ann's.
    await ann.page.keyboard.press('ArrowLeft');
    await ann.page.keyboard.press('q'); // ann keeps #1
    await allSaved(ann.page);
    await bob.page.keyboard.press('Control+z');
    await allSaved(bob.page);
    await bob.page.keyboard.press('Control+z'); // nothing more of bob's to undo
    await allSaved(bob.page);
    const log = decisionLog(served.project);
    const state = replay(log);
    expect(state.size).toBe(1);
    expect([...state.values()]).toEqual(['keep']);
    expect(new Set(log.filter((e) => e.kind === 'decide').map((e) => e.annotator))).toEqual(
      new Set(['ann', 'bob']),
    );
  } finally {
    await ann.context.close();
    await bob.context.close();
    await served.stop();
  }
});

test('stress: 240 random keys at 0–30 ms across pages and filters; the decision log replays to exactly what they imply', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    const issues = await page.evaluate(async () => {
      const r = await fetch('/api/getIssues', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ limit: 1000 }),
      });
      return ((await r.json()) as { issues: Record<string, number>[] }).issues.map((x) => ({
        rank: x.rank,
        sampleIndex: x.sampleIndex,
        given: x.givenLabel,
        suggested: x.suggestedLabel,
        quality: x.quality,
      }));
    });
    const model = new ReviewModel(issues as ModelIssue[]);
    let seed = 20261130;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys: [ModelKey, string][] = [
      ['q', 'q'],
      ['w', 'w'],
      ['e', 'e'],
      ['0', '0'],
      ['1', '1'],
      ['undo', 'Control+z'],
      ['redo', 'Control+Shift+z'],
      ['next', 'ArrowRight'],
      ['prev', 'ArrowLeft'],
    ];
    const weights = [5, 4, 2, 1, 1, 1.5, 1, 1.5, 1];
    const pick = () => {
      let x = rnd() * weights.reduce((a, b) => a + b);
      for (let i = 0; i < keys.length; i++) if ((x -= weights[i]) < 0) return keys[i];
      return keys[0];
    };
    const pressed: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 80; i++) {
        const [modelKey, key] = pick();
        model.press(modelKey);
        pressed.push(modelKey);
        await page.keyboard.press(key, { delay: 0 });
        const gap = Math.floor(rnd() * 31);
        if (gap) await page.waitForTimeout(gap);
      }
      await allSaved(page);
      // A filter change between bursts (the given class, then none): the same list the model keeps.
      const given = round % 2 === 0 ? String(round % 4 === 0 ? 0 : 1) : '';
      await page.getByLabel('Given class', { exact: true }).selectOption(given);
      model.setFilter(given === '' ? () => true : (x) => x.given === Number(given));
      pressed.push(`filter:${given}`);
      await settled(page);
    }
    await allSaved(page);
    writeFileSync(test.info().outputPath('keys.txt'), pressed.join('\n'));
    const log = decisionLog(served.project);
    const byKind = (k: string) => log.filter((e) => e.kind === k).length;
    expect(replay(log)).toEqual(model.state);
    expect({ decide: byKind('decide'), undo: byKind('undo'), redo: byKind('redo') }).toEqual(model.counts);
    expect(model.state.size).toBeGreaterThan(100);
    expect(Number(await panel(page).getAttribute('data-sample-index'))).toBe(model.current?.sampleIndex);
  } finally {
    await context.close();
    await served.stop();
  }
});
