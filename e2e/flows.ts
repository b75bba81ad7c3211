/**
 * The review flow as reusable steps on a Playwright `Page`, for both shells: the browser spec (relabel serve)
 * and the Electron spec. Steps only use the UI (keyboard, clicks, the hash route), never the transport.
 *
 * Needs a project whose issue set has at least ~15 issues, none decided yet, and at least 2 classes.
 * Every step records what it decided in an `Expected` map (by sample path), for checks against the project
 * file and the export afterwards.
 */
import { expect, type Locator, type Page } from '@playwright/test';

export interface ExpectedDecision {
  sampleIndex: number;
  action: 'keep' | 'relabel' | 'exclude';
  /** The label the image ends up with (null when excluded). */
  finalLabel: number | null;
}
export type Expected = Map<string, ExpectedDecision>;

export interface IssueView {
  sampleIndex: number;
  path: string;
  rank: number;
  given: number;
  suggested: number;
  quality: number;
  action: string;
}

function toIssue(d: Record<string, string | undefined>): IssueView {
  return {
    sampleIndex: Number(d.sampleIndex),
    path: d.path ?? '',
    rank: Number(d.rank),
    given: Number(d.given),
    suggested: Number(d.suggested),
    quality: Number(d.quality),
    action: d.action ?? 'none',
  };
}

export const panel = (page: Page) => page.getByTestId('issue-panel');

export async function currentIssue(page: Page): Promise<IssueView> {
  await expect(panel(page)).toBeVisible();
  return toIssue(await panel(page).evaluate((el) => ({ ...(el as HTMLElement).dataset })));
}

/** The progress line says exactly `n` issues are reviewed. */
export async function expectReviewed(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('review-progress')).toHaveText(new RegExp(`^\\s*${n} of \\d+ reviewed`));
}

/** Waits until the review has (re)loaded its issues after a filter change. */
export async function settled(page: Page): Promise<void> {
  await expect(page.getByTestId('review-page')).toHaveAttribute('data-loading', 'false');
}

export async function gotoRoute(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => (window.location.hash = `#/${r}`), route);
}

export async function openReview(page: Page): Promise<void> {
  await gotoRoute(page, 'review');
  await expect(page.getByTestId('review-page')).toBeVisible();
  await expect(panel(page)).toBeVisible();
}

/** How many classes the review offers buttons for (0–9). */
async function classCount(page: Page): Promise<number> {
  return page.getByRole('button', { name: /^Set class \d+/ }).count();
}

/** Presses a decision key; the next issue must show at once and the decision must end up "saved ✓". */
export async function decideWithKey(
  page: Page,
  key: string,
  expected: Expected,
  outcome: (issue: IssueView) => Omit<ExpectedDecision, 'sampleIndex'>,
): Promise<IssueView> {
  const before = await currentIssue(page);
  expect(before.action, `issue #${before.rank} should be undecided before "${key}"`).toBe('none');
  await page.keyboard.press(key);
  await expect(panel(page)).not.toHaveAttribute('data-sample-index', String(before.sampleIndex));
  await expect(page.getByTestId('save-status')).toHaveText(`#${before.rank} saved ✓`);
  expected.set(before.path, { sampleIndex: before.sampleIndex, ...outcome(before) });
  return before;
}

const accept = (i: IssueView): Omit<ExpectedDecision, 'sampleIndex'> =>
  i.suggested === i.given
    ? { action: 'keep', finalLabel: i.given }
    : { action: 'relabel', finalLabel: i.suggested };

/** q, w, e, a digit, an out-of-range digit, undo/redo (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y), arrows, ?, Escape. */
export async function keyboardFlow(page: Page, expected: Expected): Promise<void> {
  await openReview(page);
  const k = await classCount(page);
  expect(k).toBeGreaterThanOrEqual(2);
  await expectReviewed(page, expected.size);

  await decideWithKey(page, 'q', expected, (i) => ({ action: 'keep', finalLabel: i.given }));
  await decideWithKey(page, 'w', expected, accept);
  await decideWithKey(page, 'e', expected, () => ({ action: 'exclude', finalLabel: null }));
  const digitIssue = await currentIssue(page);
  const digit = (digitIssue.given + 1) % Math.min(k, 10);
  await decideWithKey(page, String(digit), expected, () => ({ action: 'relabel', finalLabel: digit }));
  await expectReviewed(page, expected.size);

  // A digit without a class does nothing.
  if (k < 10) {
    const here = await currentIssue(page);
    await page.keyboard.press('9');
    await page.waitForTimeout(300);
    await expect(panel(page)).toHaveAttribute('data-sample-index', String(here.sampleIndex));
    await expect(panel(page)).toHaveAttribute('data-action', 'none');
  }

  // Undo shows the undone issue again, undecided; redo brings the decision back.
  const redone = expected.get(digitIssue.path)!;
  await page.keyboard.press('Control+z');
  await expect(panel(page)).toHaveAttribute('data-sample-index', String(digitIssue.sampleIndex));
  await expect(panel(page)).toHaveAttribute('data-action', 'none');
  expected.delete(digitIssue.path);
  await expectReviewed(page, expected.size);
  await page.keyboard.press('Control+Shift+Z');
  await expect(panel(page)).toHaveAttribute('data-action', 'relabel');
  await page.keyboard.press('Control+z');
  await expect(panel(page)).toHaveAttribute('data-action', 'none');
  await page.keyboard.press('Control+y');
  await expect(panel(page)).toHaveAttribute('data-action', 'relabel');
  await expect(page.getByTestId('decision-badge')).toHaveText(
    new RegExp(`^Relabeled → (class )?${digit}\\b`),
  );
  expected.set(digitIssue.path, redone);

  // Arrows page through the issues in rank order.
  await page.keyboard.press('ArrowRight');
  await expect(panel(page)).toHaveAttribute('data-rank', String(digitIssue.rank + 1));
  await page.keyboard.press('ArrowLeft');
  await expect(panel(page)).toHaveAttribute('data-rank', String(digitIssue.rank));

  // The thumbnail strip marks decided issues.
  await expect(page.locator('[data-testid="thumb"]:not([data-decided="none"])')).toHaveCount(expected.size);

  // ? toggles the help, Escape closes it.
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await page.keyboard.press('?');
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press('?');
  await expect(help).toBeVisible();
  await page.keyboard.press('?');
  await expect(help).toBeHidden();

  // Keys typed into a field are not shortcuts.
  const field = page.getByLabel('Maximum score');
  await field.focus();
  await page.keyboard.press('e');
  await page.keyboard.press('q');
  await expect(panel(page)).toHaveAttribute('data-action', 'relabel');
  await field.fill('');
  await field.blur();
}

async function select(page: Page, label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).selectOption(value);
  await settled(page);
}

/** Given class, status and score filters re-query the issues; "Clear filters" goes back. */
export async function filtersFlow(page: Page): Promise<void> {
  await openReview(page);
  await select(page, 'Review status', 'undecided');
  await expect(panel(page)).toHaveAttribute('data-action', 'none');
  await expect(page.locator('[data-testid="thumb"]:not([data-decided="none"])')).toHaveCount(0);
  await expect(page.locator('[data-testid="thumb"]').first()).toBeVisible();

  await select(page, 'Review status', 'decided');
  await expect(panel(page)).not.toHaveAttribute('data-action', 'none');
  await expect(page.locator('[data-testid="thumb"][data-decided="none"]')).toHaveCount(0);
  await select(page, 'Review status', 'all');

  const here = await currentIssue(page);
  await select(page, 'Given class', String(here.given));
  for (let step = 0; step < 3; step++) {
    await expect(panel(page)).toHaveAttribute('data-given', String(here.given));
    await page.keyboard.press('ArrowRight');
  }
  await select(page, 'Given class', '');

  const cap = (await currentIssue(page)).quality;
  const max = page.getByLabel('Maximum score');
  await max.fill(String(cap));
  await max.press('Enter');
  await settled(page);
  for (let step = 0; step < 3; step++) {
    const issue = await currentIssue(page);
    expect(issue.quality).toBeLessThanOrEqual(cap);
    await page.keyboard.press('ArrowRight');
  }
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await settled(page);
  await expect(page.getByLabel('Maximum score')).toHaveValue('');
}

async function tileData(tile: Locator): Promise<IssueView> {
  return toIssue(await tile.evaluate((el) => ({ ...(el as HTMLElement).dataset, rank: '0' })));
}

/** Grid mode: range selection with shift-click, accept / set class / exclude, then "accept all ≤ X". */
export async function bulkFlow(page: Page, expected: Expected): Promise<void> {
  await openReview(page);
  await page.keyboard.press('g');
  const tiles = page.getByTestId('grid-tile');
  await expect(tiles.first()).toBeVisible();

  const undecidedRun = async (length: number): Promise<number> => {
    const actions = await tiles.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.action));
    for (let i = 0; i + length <= actions.length; i++) {
      if (actions.slice(i, i + length).every((a) => a === 'none')) return i;
    }
    throw new Error(`no ${length} undecided issues in a row on this page`);
  };
  const waitDecided = async (tile: Locator) => expect(tile).not.toHaveAttribute('data-action', 'none');

  // Accept the suggestions of three issues in a row (click, then shift-click).
  const first = await undecidedRun(3);
  await tiles.nth(first).getByRole('checkbox').click();
  await tiles
    .nth(first + 2)
    .getByRole('checkbox')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selected-count')).toHaveText('3 selected');
  const accepted = await Promise.all([0, 1, 2].map((d) => tileData(tiles.nth(first + d))));
  await page.getByRole('button', { name: 'Accept suggestions', exact: true }).click();
  for (let d = 0; d < 3; d++) await waitDecided(tiles.nth(first + d));
  for (const t of accepted) expected.set(t.path, { sampleIndex: t.sampleIndex, ...accept(t) });
  await expect(page.getByTestId('selected-count')).toHaveText('0 selected');

  // Set a class on one, exclude another.
  const k = await page.getByLabel('Class to set').locator('option').count();
  const one = await undecidedRun(1);
  const oneData = await tileData(tiles.nth(one));
  const target = (oneData.given + 1) % k;
  await tiles.nth(one).getByRole('checkbox').click();
  await page.getByLabel('Class to set').selectOption(String(target));
  await page.getByRole('button', { name: 'Set class', exact: true }).click();
  await waitDecided(tiles.nth(one));
  expected.set(oneData.path, { sampleIndex: oneData.sampleIndex, action: 'relabel', finalLabel: target });

  const two = await undecidedRun(1);
  const twoData = await tileData(tiles.nth(two));
  await tiles.nth(two).getByRole('checkbox').click();
  await page.getByRole('button', { name: 'Exclude', exact: true }).click();
  await waitDecided(tiles.nth(two));
  expected.set(twoData.path, { sampleIndex: twoData.sampleIndex, action: 'exclude', finalLabel: null });

  // Accept every undecided suggestion up to the second-lowest score, after a confirmation that says how many.
  await select(page, 'Review status', 'undecided');
  await expect(tiles.first()).toHaveAttribute('data-action', 'none');
  const undecided = await Promise.all((await tiles.all()).map(tileData));
  const cap = [...undecided.map((t) => t.quality)].sort((a, b) => a - b)[Math.min(1, undecided.length - 1)];
  const affected = undecided.filter((t) => t.quality <= cap);
  await page.getByLabel('Accept all suggestions in this filter with score ≤').fill(String(cap));
  await page.getByRole('button', { name: 'Accept…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Accept suggestions' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-message')).toContainText(`Relabel ${affected.length} image`);
  await dialog.getByRole('button', { name: `Accept ${affected.length}` }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`Accepted ${affected.length} suggestion`)).toBeVisible();
  await settled(page);
  for (const t of affected)
    expected.set(t.path, { sampleIndex: t.sampleIndex, action: 'relabel', finalLabel: t.suggested });

  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await settled(page);
  await page.keyboard.press('g');
  await expect(panel(page)).toBeVisible();
  await expectReviewed(page, expected.size);
}

/** Every button, link and form control has an accessible name, and every image an alt text. */
export async function expectAccessibleNames(page: Page): Promise<void> {
  const unnamed = await page.evaluate(() => {
    const nameOf = (el: Element) =>
      (
        el.getAttribute('aria-label') ??
        (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
        el.closest('label')?.textContent ??
        el.textContent ??
        ''
      ).trim();
    const controls = [...document.querySelectorAll('button, a[href], input, select, textarea')].filter(
      (el) =>
        (el as HTMLElement).offsetParent !== null &&
        nameOf(el) === '' &&
        !(el as HTMLInputElement).placeholder,
    );
    const images = [...document.querySelectorAll('img')].filter((img) => !img.hasAttribute('alt'));
    return [...controls, ...images].map((el) => el.outerHTML.slice(0, 120));
  });
  expect(unnamed).toEqual([]);
}

/** The whole review: keyboard, filters, bulk. Returns what was decided, by sample path. */
export async function reviewFlow(page: Page): Promise<Expected> {
  const expected: Expected = new Map();
  await keyboardFlow(page, expected);
  await filtersFlow(page);
  await bulkFlow(page, expected);
  return expected;
}
