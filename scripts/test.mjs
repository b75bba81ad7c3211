#!/usr/bin/env node
// The whole test suite, as CI runs it: typecheck, lint, format check, unit/integration tests (Vitest),
// build, end-to-end tests (Playwright: browser against `relabel serve`; Electron where its binary runs).
// Ends with one summary line "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = join(root, 'test-results');
mkdirSync(reports, { recursive: true });
const only = process.argv.slice(2);
const wanted = (stage) => only.length === 0 || only.includes(stage);

const failures = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

function stage(name, cmd, args, env = {}) {
  if (!wanted(name)) return;
  process.stderr.write(`\n== ${name}: ${[cmd, ...args].map((a) => a.replace(root + '/', '')).join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (r.status !== 0) failures.push(`${name} (exit ${r.status ?? r.signal})`);
  process.stderr.write(`== ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${seconds}s\n`);
}

stage('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
stage('svelte-check', bin('svelte-check'), ['--tsconfig', 'tsconfig.json', '--threshold', 'error']);
stage('lint', bin('eslint'), ['.', '--max-warnings', '0']);
stage('format', bin('prettier'), ['--check', '.']);

const vitestJson = join(reports, 'vitest.json');
stage('unit', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
if (wanted('unit') && existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}

stage('build', bin('electron-vite'), ['build']);

const pwJson = join(reports, 'playwright.json');
const xvfb = existsSync('/usr/bin/xvfb-run') && !process.env.DISPLAY;
const pwArgs = ['test', '--reporter=list,json'];
stage(
  'e2e',
  xvfb ? '/usr/bin/xvfb-run' : bin('playwright'),
  xvfb ? ['-a', bin('playwright'), ...pwArgs] : pwArgs,
  {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  },
);
if (wanted('e2e') && existsSync(pwJson)) {
  const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats;
  totals.passed += s.expected + (s.flaky ?? 0);
  totals.failed += s.unexpected;
  totals.skipped += s.skipped;
}

if (failures.length) process.stderr.write(`\nFailed stages: ${failures.join(', ')}\n`);
process.stdout.write(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
process.exit(failures.length ? 1 : 0);
