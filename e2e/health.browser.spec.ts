/**
 * Duplicates and outliers on the Dataset page against `relabel serve`: an image copied over another one with a
 * different label shows as an exact-duplicate group whose labels disagree, and a project without embeddings
 * says how to get near-duplicates and outliers; in the review, the duplicate filter lists the pair, shows the
 * partner beside the image and decides it like any issue. (The embedding scan itself is covered by
 * tests/features/dataset-health.test.ts; it needs a pretrained run, which the pretrained spec pays for.)
 * Needs `npm run build` (CLI + renderer) and Chromium at /usr/bin/chromium.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gotoRoute, panel, settled } from './flows';
import { relabel } from './helpers/cli';
import { decisionLog } from './helpers/review-project';
import { screenshot } from './helpers/screens';
import { startServe, type Served } from './helpers/serve';

test.describe.configure({ mode: 'serial' });

let workDir: string;
let served: Served;
let page: Page;
let projectPath: string;

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  if (!existsSync('out/main/cli.js') || !existsSync('out/renderer/index.html')) {
    throw new Error('the app is not built: run npm run build before the e2e tests');
  }
  workDir = mkdtempSync(join(tmpdir(), 'relabel-e2e-health-'));
  const data = join(workDir, 'demo');
  relabel(['demo', data, '--count', '60', '--size', '32', '--seed', '3', '--source', 'procedural']);
  // Image 2 becomes a copy of image 1, labelled the other way.
  const images = readdirSync(join(data, 'train_img')).sort();
  copyFileSync(join(data, 'train_img', images[0]), join(data, 'train_img', images[1]));
  const labels = readFileSync(join(data, 'label_train.txt'), 'utf8').trim().split('\n');
  labels[1] = labels[0] === '0' ? '1' : '0';
  writeFileSync(join(data, 'label_train.txt'), labels.join('\n') + '\n');
  projectPath = join(workDir, 'health.relabel');
  relabel(['import', data, '--project', projectPath]);
  // Out-of-fold probabilities that agree with every given label but image 6's: the one label issue.
  const probs = labels.map((l, i) => {
    const p = [0, 0];
    p[Number(l)] = i === 5 ? 0.1 : 0.9;
    p[1 - Number(l)] = i === 5 ? 0.9 : 0.1;
    return `${l},${p[0]},${p[1]}`;
  });
  writeFileSync(join(workDir, 'probs.csv'), `label,p0,p1\n${probs.join('\n')}\n`);
  relabel(['import-probs', '--project', projectPath, '--csv', join(workDir, 'probs.csv')]);
  relabel(['issues', '--project', projectPath, '--filter-by', 'predicted_neq_given']);
  served = await startServe(projectPath, 'e2e');
  // A context of its own: axe-core checks pages of a context (browser.newPage() has none it may use).
  page = await (await browser.newContext()).newPage();
});

test.afterAll(async () => {
  await page?.context().close();
  await served?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('dataset page: an exact duplicate with conflicting labels, and how to find near-duplicates', async () => {
  await page.goto(served.url);
  await gotoRoute(page, 'dataset');
  const panel = page.getByTestId('dataset-health');
  await expect(panel.getByTestId('health-status')).toContainText('--model pretrained');
  const group = panel.getByTestId('duplicate-group');
  await expect(group).toHaveCount(1);
  await expect(group).toContainText('Labels disagree');
  await expect(group.locator('img')).toHaveCount(2);
  await expect(panel.getByTestId('outliers')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'health-01-exact-duplicates', test.info());
});

test('review: the duplicate filter lists the pair, shows the partner beside the image, and decides', async () => {
  await page.addInitScript(() => localStorage.setItem('relabel.annotator', 'e2e'));
  await page.goto(served.url);
  await gotoRoute(page, 'review');
  await settled(page);
  // The default view is unchanged: the one label issue, no type badges, no partners.
  await expect(panel(page)).toHaveAttribute('data-sample-index', '5');
  await expect(page.getByTestId('issue-types')).toHaveCount(0);
  await expect(page.getByTestId('duplicate-partners')).toHaveCount(0);

  // The Dataset page's duplicates panel links to the duplicate filter of the review.
  await gotoRoute(page, 'dataset');
  await page.getByTestId('review-duplicates').click();
  await settled(page);
  await expect(page).toHaveURL(/#\/review\?type=duplicate/);
  await expect(page.getByTestId('issue-type-filter')).toHaveValue('duplicate');
  await expect(panel(page)).toHaveAttribute('data-sample-index', '0');
  await expect(page.getByTestId('issue-types')).toHaveText('Duplicate');
  const partners = page.getByTestId('duplicate-partners');
  await expect(partners).toContainText('labels disagree');
  const partner = partners.getByTestId('duplicate-partner');
  await expect(partner).toHaveCount(1);
  await expect(partner).toHaveAttribute('data-index', '1');
  await expect(partner).toContainText('Undecided');
  await expect(page.getByTestId('review-progress')).toHaveText(/^\s*0 of 2\s+duplicates decided/);
  await screenshot(page, 'health-02-duplicate-review', test.info());
  // The badges and the partner column pass the WCAG 2 A/AA rules (colour contrast included), as every page does.
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(' ')}`))).toEqual([]);
  await expect(page.getByTestId('issue-reason')).toHaveText('The model agrees with the given label (90.0%).');

  // Keep image 0 (the partner beside image 1 then shows it), exclude its copy with the other label.
  await page.keyboard.press('q'); // keep image 0
  await expect(page.getByTestId('save-status')).toHaveText('#1 saved ✓');
  await expect(panel(page)).toHaveAttribute('data-sample-index', '1');
  await expect(partner).toHaveAttribute('data-index', '0');
  await expect(partner).toContainText('Kept');
  await page.keyboard.press('e'); // exclude image 1
  await expect(page.getByTestId('save-status')).toHaveText('#2 saved ✓');
  await expect(page.getByTestId('review-progress')).toHaveText(/^\s*2 of 2\s+duplicates decided/);

  // Ordinary decisions in the project's decision log, by the annotator, with undo available as ever.
  expect(decisionLog(projectPath).map((e) => [e.index, e.action, e.kind])).toEqual([
    [0, 'keep', 'decide'],
    [1, 'exclude', 'decide'],
  ]);
  await page.getByTestId('issue-type-filter').selectOption('label');
  await settled(page);
  await expect(page).not.toHaveURL(/type=/);
  await expect(panel(page)).toHaveAttribute('data-sample-index', '5');
});
