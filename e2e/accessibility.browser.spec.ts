/**
 * Every page, in the light and the dark theme, checked with axe-core against the WCAG 2.0/2.1 A and AA rules
 * (colour contrast included): projects, dataset (with its preview), train, review (one issue, grid mode, the
 * shortcut help), results. Then the Results page at 1024×768: every HTER value in view, clipped by nothing.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { gotoRoute, panel, settled } from './flows';
import { addHoldoutRuns, callApi } from './helpers/api';
import { reviewer, ReviewFixture } from './helpers/review-project';
import type { Served } from './helpers/serve';

test.describe.configure({ mode: 'serial' });

let fixture: ReviewFixture;
let served: Served & { project: string };

test.beforeAll(async () => {
  test.setTimeout(180_000);
  fixture = new ReviewFixture(160, 60);
  served = await fixture.serve('a11y');
  addHoldoutRuns(served.project);
  // A decision of each kind, so every decision colour (badges, marks, the dataset's labels) is on screen.
  await callApi(served.url, 'decide', { sampleIndices: [1], action: 'keep' });
  await callApi(served.url, 'decide', { sampleIndices: [2], action: 'exclude' });
  await callApi(served.url, 'acceptSuggestions', { sampleIndices: [3], includeDecided: false });
});

test.afterAll(async () => {
  await served?.stop();
  fixture?.cleanup();
});

/** Violations of the WCAG 2 A/AA rules on the page as it is now, one readable line per element. */
async function violations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${where}: ${v.id} at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`,
    ),
  );
}

/**
 * The contrast of the thumbnail strip's decision marks (✓ ↻ ✕ on a solid colour), which axe leaves out as
 * symbols rather than text: each as "mark: ratio", for those under 4.5:1.
 */
async function weakMarks(page: Page): Promise<string[]> {
  return page.locator('[data-testid="thumb"] .mark').evaluateAll((marks) => {
    const rgb = (css: string) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/.exec(css);
      if (!m) throw new Error(`unexpected colour ${css}`);
      if (m[4] !== undefined && Number(m[4]) < 1) throw new Error(`a translucent mark colour ${css}`);
      return [m[1], m[2], m[3]].map(Number);
    };
    const luminance = (c: number[]) => {
      const [r, g, b] = c.map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    return marks.flatMap((mark) => {
      const style = getComputedStyle(mark);
      const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      // Nothing over it may fade it either.
      for (let el: Element | null = mark; el; el = el.parentElement)
        if (Number(getComputedStyle(el).opacity) < 1) return [`${mark.textContent}: faded`];
      return ratio < 4.5 ? [`${mark.textContent}: ${ratio.toFixed(2)}:1`] : [];
    });
  });
}

/** Lets images, charts and the page's data arrive (axe measures what is painted). */
async function painted(page: Page): Promise<void> {
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  await page.waitForTimeout(400);
}

async function settledPage(page: Page, route: string): Promise<void> {
  await gotoRoute(page, route);
  await expect(page.locator('main h1').first()).toBeAttached();
  await painted(page);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`no WCAG 2 A/AA violation on any page, ${scheme} theme`, async ({ browser }) => {
    const { context, page } = await reviewer(browser, 'a11y');
    try {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(served.url);
      await expect(page.getByTestId('project-name')).toBeVisible();
      const found: string[] = [];

      for (const route of ['projects', 'dataset', 'train', 'results']) {
        await settledPage(page, route);
        found.push(...(await violations(page, route)));
      }
      // The dataset's preview dialog.
      await settledPage(page, 'dataset');
      await page.getByTestId('sample-tile').nth(2).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      found.push(...(await violations(page, 'dataset preview')));
      await page.keyboard.press('Escape');

      await gotoRoute(page, 'review');
      await expect(panel(page)).toBeVisible();
      await settled(page);
      await painted(page);
      found.push(...(await violations(page, 'review')));
      await expect(page.locator('[data-testid="thumb"] .mark')).toHaveCount(3);
      found.push(...(await weakMarks(page)).map((m) => `review thumbnail mark ${m}`));
      await page.keyboard.press('g');
      await expect(page.getByTestId('grid-tile').first()).toBeVisible();
      await painted(page);
      found.push(...(await violations(page, 'review grid')));
      await page.keyboard.press('g');
      await page.keyboard.press('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      found.push(...(await violations(page, 'shortcut help')));
      await page.keyboard.press('Escape');

      expect(found, found.join('\n')).toEqual([]);
    } finally {
      await context.close();
    }
  });
}

test('Results at 1024×768: every HTER value is in the window and clipped by no scroll container', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  try {
    const page = await context.newPage();
    await page.goto(`${served.url}#/results`);
    await expect(page.getByTestId('after-hter')).toHaveText(/\d+\.\d%/);
    await expect(page.getByTestId('run-hter')).toHaveCount(3);
    const values = [
      page.getByTestId('before-hter'),
      page.getByTestId('after-hter'),
      ...(await page.getByTestId('run-hter').all()),
    ];
    for (const value of values) {
      await value.scrollIntoViewIfNeeded();
      const clipped = await value.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const problems: string[] = [];
        if (r.width === 0 || r.height === 0) problems.push('has no size');
        if (r.left < 0 || r.top < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight)
          problems.push(
            `outside the ${window.innerWidth}×${window.innerHeight} window: ${JSON.stringify(r)}`,
          );
        // Its text must fit its own box too (no ellipsis or overflow inside the cell).
        if (el.scrollWidth > el.clientWidth + 1) problems.push('its text overflows its box');
        for (let a = el.parentElement; a; a = a.parentElement) {
          const style = getComputedStyle(a);
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          const c = a.getBoundingClientRect();
          if (
            r.left < c.left - 0.5 ||
            r.right > c.right + 0.5 ||
            r.top < c.top - 0.5 ||
            r.bottom > c.bottom + 0.5
          )
            problems.push(`clipped by <${a.tagName.toLowerCase()} class="${a.className}">`);
        }
        return problems;
      });
      expect(clipped, `${await value.textContent()}`).toEqual([]);
    }
  } finally {
    await context.close();
  }
});
