import type { Page, TestInfo } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SCREENSHOT_DIR = join('test-results', 'screenshots');

/** Saves a full-window screenshot as test-results/screenshots/<name>.png and attaches it to the report. */
export async function screenshot(page: Page, name: string, testInfo?: TestInfo): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  await testInfo?.attach(name, { path, contentType: 'image/png' });
  return path;
}
