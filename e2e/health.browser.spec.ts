/**
 * Duplicates and outliers on the Dataset page against `relabel serve`: an image copied over another one with a
 * different label shows as an exact-duplicate group whose labels disagree, and a project without embeddings
 * says how to get near-duplicates and outliers. (The embedding scan itself is covered by
 * tests/features/dataset-health.test.ts; it needs a pretrained run, which the pretrained spec pays for.)
 * Needs `npm run build` (CLI + renderer) and Chromium at /usr/bin/chromium.
 */
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
import { gotoRoute } from './flows';
import { relabel } from './helpers/cli';
import { screenshot } from './helpers/screens';
import { startServe, type Served } from './helpers/serve';

test.describe.configure({ mode: 'serial' });

let workDir: string;
let served: Served;
let page: Page;

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
  const projectPath = join(workDir, 'health.relabel');
  relabel(['import', data, '--project', projectPath]);
  served = await startServe(projectPath, 'e2e');
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
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
