import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * A fresh temp folder, removed when the current test ends. (tests/helpers/tmp.ts registers an afterEach,
 * which Vitest ignores when it is called inside a running test, so those folders stay behind.)
 */
export function scratchDir(prefix = 'relabel-durability-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
