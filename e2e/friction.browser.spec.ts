/**
 * The friction of issue 15, in Chromium against `relabel serve`: which issue set to review, retrain settings,
 * pages that follow what another process (the CLI, a second server) does to the project file, zoom about the
 * centre and the cursor, notifications that never cover the review's controls, and the Dataset page showing
 * decisions.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { currentIssue, gotoRoute, panel, settled } from './flows';
import { addHoldoutRuns, callApi } from './helpers/api';
import { relabel } from './helpers/cli';
import { reviewer, ReviewFixture } from './helpers/review-project';
import { startServe } from './helpers/serve';

let fixture: ReviewFixture;

test.beforeAll(() => {
  test.setTimeout(180_000);
  fixture = new ReviewFixture(160, 60);
});
test.afterAll(() => fixture?.cleanup());

async function openReview(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/review`);
  await expect(panel(page)).toBeVisible();
  await settled(page);
}

test('a new ranking from the CLI becomes the queue with a notice; the issue-set menu reviews an earlier set', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    // One set: nothing to pick.
    await expect(page.getByTestId('issue-set-picker')).toHaveCount(0);

    // Another process ranks the issues again: the open review hears of it within a few seconds.
    relabel(['issues', '--project', served.project, '--filter-by', 'both']);
    const picker = page.getByTestId('issue-set-picker');
    await expect(picker).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole('status').filter({ hasText: 'are now the review queue' })).toBeVisible();
    const options = await picker.locator('option').allTextContents();
    expect(options).toHaveLength(2);
    expect(options[0]).toMatch(
      /^#2 · .+ · both, ranked by self-confidence · run #1 · \d+ issues \(latest\)$/,
    );
    expect(options[1]).toMatch(
      /^#1 · .+ · predicted ≠ given, ranked by self-confidence · run #1 · 60 issues$/,
    );

    // The earlier set: its issues, in the URL, decided through it; back to the queue.
    await picker.selectOption('1');
    await settled(page);
    await expect(page).toHaveURL(/[?&]set=1\b/);
    await expect(page.getByTestId('review-progress')).toContainText('Earlier set #1 · 60 issues');
    const issue = await currentIssue(page);
    await page.keyboard.press('e');
    await expect(page.getByTestId('save-status')).toHaveText(`#${issue.rank} saved ✓`);
    const inSet1 = await callApi<{ issues: { sampleIndex: number }[] }>(served.url, 'getIssues', {
      setId: 1,
      filter: { status: 'decided' },
    });
    expect(inSet1.issues.map((i) => i.sampleIndex)).toEqual([issue.sampleIndex]);
    await page.getByRole('button', { name: 'Back to the queue' }).click();
    await settled(page);
    await expect(page).not.toHaveURL(/[?&]set=/);
    await expect(picker).toHaveValue('2');
  } finally {
    await context.close();
    await served.stop();
  }
});

test('decisions made through a second server on the same file, and a retrain from another process, show up live', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const second = await startServe(served.project, 'other-server');
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    const issue = await currentIssue(page);
    await callApi(second.url, 'decide', { sampleIndices: [issue.sampleIndex], action: 'exclude' });
    await expect(panel(page)).toHaveAttribute('data-action', 'exclude', { timeout: 15_000 });
    await expect(page.getByTestId('decided-by')).toContainText('other-server');
    await expect(page.getByTestId('review-progress')).toContainText('1 of 60 reviewed');

    // The Results page, open while another process finishes a retrain, shows its numbers without a reload.
    await gotoRoute(page, 'results');
    await expect(page.getByText('No comparison yet')).toBeVisible();
    addHoldoutRuns(served.project);
    await expect(page.getByTestId('after-hter')).toHaveText(/\d+\.\d%/, { timeout: 15_000 });
    await expect(page.getByRole('table', { name: 'Run history' }).locator('tbody tr')).toHaveCount(3);
  } finally {
    await context.close();
    await second.stop();
    await served.stop();
  }
});

test("Retrain has the Train page's settings, with the same limits, and starts with them", async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await page.goto(`${served.url}#/train`);
    const limits = async (scope: Locator, name: string) => {
      const input = scope.getByLabel(name, { exact: true });
      return [await input.getAttribute('min'), await input.getAttribute('max')];
    };
    const trainForm = page.getByRole('form', { name: 'Training settings' });
    await expect(trainForm.getByLabel('Epochs')).toBeVisible();
    const trainLimits = [await limits(trainForm, 'Epochs'), await limits(trainForm, 'Batch size')];
    const trainModels = await trainForm.getByLabel('Model').locator('option').allTextContents();

    await gotoRoute(page, 'results');
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByTestId('retrain-settings');
    await expect(settings).toBeVisible();
    expect([await limits(settings, 'Epochs'), await limits(settings, 'Batch size')]).toEqual(trainLimits);
    expect(await settings.getByLabel('Model').locator('option').allTextContents()).toEqual(trainModels);
    // A retrain has no folds and trains on one worker.
    await expect(settings.getByLabel('Folds')).toHaveCount(0);
    await expect(settings.getByLabel('Workers')).toHaveCount(0);

    await settings.getByLabel('Model').selectOption('cnn');
    await settings.getByLabel('Epochs').fill('3');
    await settings.getByLabel('Batch size').fill('16');
    await settings.getByLabel('Backend').selectOption('wasm');
    await settings.getByLabel('Augmentation').selectOption('shift');
    let sent: unknown = null;
    await page.route('**/api/retrain', async (route) => {
      sent = route.request().postDataJSON();
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ jobId: 'e2e-job' }) });
    });
    await page.getByTestId('retrain').click();
    await expect.poll(() => sent).not.toBeNull();
    expect(sent).toEqual({
      config: { model: 'cnn', epochs: 3, batchSize: 16, backend: 'wasm', augment: 'shift' },
    });
  } finally {
    await context.close();
    await served.stop();
  }
});

/** The image point (fractions of its size) at a point of the pane's visible box. */
async function imagePointAt(page: Page, at: 'centre' | { x: number; y: number }): Promise<[number, number]> {
  return page.getByTestId('issue-pane').evaluate((pane, at) => {
    const img = pane.querySelector('img')!;
    const p = pane.getBoundingClientRect();
    const r = img.getBoundingClientRect();
    const x = at === 'centre' ? p.left + pane.clientLeft + pane.clientWidth / 2 : at.x;
    const y = at === 'centre' ? p.top + pane.clientTop + pane.clientHeight / 2 : at.y;
    return [(x - r.left) / r.width, (y - r.top) / r.height] as [number, number];
  }, at);
}

test('zoom keeps the image point at the centre (keys, buttons) or under the cursor (wheel)', async ({
  browser,
}) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await openReview(page, served.url);
    const image = page.getByTestId('issue-image');
    await expect(image).toHaveJSProperty('complete', true);
    const width = () => image.evaluate((img) => img.getBoundingClientRect().width);
    const fitted = await width();

    // Zoom in far enough that the image overflows the pane, then pan off-centre and zoom again.
    for (let i = 0; i < 4; i++) await page.keyboard.press('+');
    await expect.poll(width).toBeGreaterThan(fitted * 2);
    let [fx, fy] = await imagePointAt(page, 'centre');
    expect(fx).toBeCloseTo(0.5, 2);
    expect(fy).toBeCloseTo(0.5, 2);
    await page.getByTestId('issue-pane').evaluate((pane) => pane.scrollBy(-40, 30));
    [fx, fy] = await imagePointAt(page, 'centre');
    expect(Math.abs(fx - 0.5)).toBeGreaterThan(0.01);
    const before = await width();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(width).toBeGreaterThan(before * 1.2);
    const [gx, gy] = await imagePointAt(page, 'centre');
    expect(gx).toBeCloseTo(fx, 2);
    expect(gy).toBeCloseTo(fy, 2);
    await page.keyboard.press('-');
    await expect.poll(width).toBeLessThan(before * 1.1);
    const [hx, hy] = await imagePointAt(page, 'centre');
    expect(hx).toBeCloseTo(fx, 2);
    expect(hy).toBeCloseTo(fy, 2);

    // The wheel, over a point away from the centre: that point stays under the cursor.
    const box = (await page.getByTestId('issue-pane').boundingBox())!;
    const cursor = { x: box.x + box.width * 0.25, y: box.y + box.height * 0.7 };
    await page.mouse.move(cursor.x, cursor.y);
    const [cx, cy] = await imagePointAt(page, cursor);
    const atWheel = await width();
    await page.mouse.wheel(0, -100);
    await expect.poll(width).toBeGreaterThan(atWheel * 1.1);
    const [dx, dy] = await imagePointAt(page, cursor);
    expect(dx).toBeCloseTo(cx, 2);
    expect(dy).toBeCloseTo(cy, 2);
  } finally {
    await context.close();
    await served.stop();
  }
});

/**
 * Interactive elements that a notification hides: with the notifications out of the way, the control itself is
 * what shows at some point of the area a notification takes (a control already hidden there, e.g. scrolled
 * under its container's edge, does not count).
 */
async function coveredControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll<HTMLElement>('[data-testid="toasts"] .toast')];
    const toasts = shown.map((t) => t.getBoundingClientRect());
    const controls = [...document.querySelectorAll('button, a[href], input, select, [role="button"]')].filter(
      (el) => !el.closest('[data-testid="toasts"]'),
    );
    for (const t of shown) t.style.visibility = 'hidden';
    try {
      return controls
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return toasts.some((t) => {
            const [left, right] = [Math.max(t.left, r.left), Math.min(t.right, r.right)];
            const [top, bottom] = [Math.max(t.top, r.top), Math.min(t.bottom, r.bottom)];
            if (left >= right || top >= bottom) return false;
            // A 5×5 grid of points over the overlap.
            for (let i = 0; i < 5; i++)
              for (let j = 0; j < 5; j++) {
                const x = left + ((i + 0.5) * (right - left)) / 5;
                const y = top + ((j + 0.5) * (bottom - top)) / 5;
                const hit = document.elementFromPoint(x, y);
                if (hit && (hit === el || el.contains(hit))) return true;
              }
            return false;
          });
        })
        .map((el) => el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName);
    } finally {
      for (const t of shown) t.style.visibility = '';
    }
  });
}

test('notifications never cover the review controls, and at most three show at once', async ({ browser }) => {
  const served = await fixture.serve();
  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 1280, height: 800 },
  ]) {
    const { context, page } = await reviewer(browser, 'ann');
    try {
      await page.setViewportSize(viewport);
      await openReview(page, served.url);
      // Five saves failing with five different messages: five error notifications.
      let n = 0;
      await page.route('**/api/decide', (route) =>
        route.fulfill({
          status: 409,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'conflict', message: `the disk is full (test ${++n})` } }),
        }),
      );
      for (let i = 0; i < 5; i++) await page.keyboard.press('q');
      await expect.poll(() => n).toBe(5);
      const shown = page.locator('[data-testid="toasts"] .toast');
      await expect(shown).toHaveCount(3);
      await expect(shown.last()).toContainText('test 5');
      expect(await coveredControls(page), `${viewport.width}×${viewport.height}`).toEqual([]);

      // Grid mode: one line in the pager row.
      await page.keyboard.press('g');
      await expect(page.getByTestId('grid-tile').first()).toBeVisible();
      await expect(page.locator('[data-testid="toasts"]')).toHaveAttribute('data-variant', 'line');
      await expect(shown).toHaveCount(1);
      expect(await coveredControls(page), `grid ${viewport.width}×${viewport.height}`).toEqual([]);
    } finally {
      await context.close();
    }
  }
  await served.stop();
});

test('the Dataset page shows the decided label beside the given one', async ({ browser }) => {
  const served = await fixture.serve();
  const { context, page } = await reviewer(browser, 'ann');
  try {
    await callApi(served.url, 'decide', { sampleIndices: [0], action: 'exclude' });
    await callApi(served.url, 'acceptSuggestions', { sampleIndices: [1], includeDecided: false });
    await page.goto(`${served.url}#/dataset`);
    const tiles = page.getByTestId('sample-tile');
    await expect(tiles.nth(0)).toHaveAttribute('data-action', 'exclude');
    await expect(tiles.nth(0)).toContainText('excluded');
    await expect(tiles.nth(1)).toHaveAttribute('data-action', 'relabel');
    await expect(tiles.nth(1)).toHaveAccessibleName(/given .+, relabeled to .+\)$/);
    await expect(tiles.nth(2)).toHaveAttribute('data-action', 'none');
    // A decision made meanwhile (here: by another client) updates the grid.
    await callApi(served.url, 'decide', { sampleIndices: [2], action: 'keep' });
    await expect(tiles.nth(2)).toHaveAttribute('data-action', 'keep');
    await tiles.nth(1).click();
    await expect(page.getByTestId('sample-decision')).toContainText(/relabeled to .+ by e2e/);
  } finally {
    await context.close();
    await served.stop();
  }
});
