#!/usr/bin/env node
// One command from a fresh clone to a reviewable project:
//   install dependencies → build → demo dataset → import → K-fold training → ranked label issues → review.
// Re-running skips finished steps. Uses only Node built-ins (it runs before node_modules exists).
//
//   npm run setup                 everything, then opens the review: the Electron window where it can run, else
//                                 `relabel serve --open` (URL printed; opened in a browser where a display exists)
//   npm run setup -- --no-open    stop before opening the review (CI, scripted use)
//   npm run setup -- --install-only
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const demoDir = join(root, 'demo');
const dataDir = join(demoDir, 'data');
const projectPath = join(demoDir, 'demo.relabel');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title) {
  process.stderr.write(`\n== ${title}\n`);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, {
    cwd: root,
    stdio: 'inherit',
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  if (r.status !== 0 && !opts.allowFailure) {
    process.stderr.write(`setup: \`${cmd} ${argv.join(' ')}\` failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
  return r.status === 0;
}

const relabel = (...argv) => run(process.execPath, [join(root, 'bin', 'relabel.mjs'), ...argv]);

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 9)) {
  process.stderr.write(`setup: Node.js ≥ 20.9 is needed, this is ${process.versions.node}\n`);
  process.exit(1);
}

step('Installing dependencies');
// Electron's own binary is fetched separately below, so an offline or firewalled machine still installs.
// tfjs-node and tfjs-node-gpu are optional: where libtensorflow cannot be downloaded npm skips them and
// training falls back to the WebAssembly backend.
run(npm, ['install', '--no-audit', '--no-fund'], { env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
const electronOk = run(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
  allowFailure: true,
  stdio: ['ignore', 'ignore', 'ignore'],
});
process.stderr.write(
  electronOk
    ? 'Electron binary installed.\n'
    : 'Electron binary could not be downloaded here; the review will be served to a browser instead (relabel serve).\n',
);
if (args.has('--install-only')) process.exit(0);

step('Building (electron-vite: main, preload, renderer, CLI)');
run(npm, ['run', 'build']);

step('Checking this machine (relabel doctor: what will run, and how to fix what will not)');
run(process.execPath, [join(root, 'bin', 'relabel.mjs'), 'doctor'], { allowFailure: true });

if (!existsSync(join(dataDir, 'label_train.txt'))) {
  step('Writing the demo dataset (known injected label noise)');
  relabel('demo', dataDir);
}

const info = () =>
  JSON.parse(
    spawnSync(
      process.execPath,
      [join(root, 'bin', 'relabel.mjs'), 'info', '--project', projectPath, '--json'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    ).stdout || 'null',
  );

if (!existsSync(projectPath) || !info()?.dataset) {
  step('Importing the demo dataset');
  relabel(
    'import',
    join(dataDir, 'train_img'),
    '--labels',
    join(dataDir, 'label_train.txt'),
    '--project',
    projectPath,
  );
}

if (!info().runs.some((r) => r.kind === 'cv' && r.status === 'done')) {
  step('Training: K-fold cross-validation for out-of-fold probabilities');
  relabel('train', '--project', projectPath);
}

step('Ranking label issues (confident learning)');
relabel('issues', '--project', projectPath, '--out', join(demoDir, 'issues.csv'));
reportRecovery();

if (args.has('--no-open')) {
  process.stderr.write(
    `\nReady. Review with: npm start (desktop app) or npx relabel serve --open --project ${projectPath}\n`,
  );
  process.exit(0);
}

step('Opening the review');
// The decision table in scripts/desktop/plan.ts: the desktop window where Electron's binary, a display and the
// Electron build of better-sqlite3 (made now if missing) are all there; otherwise `relabel serve --open`, which
// prints the URL and opens it in the default browser where a display exists.
run(process.execPath, [
  '--import',
  'tsx',
  join(root, 'scripts', 'desktop', 'main.ts'),
  'review',
  '--project',
  projectPath,
]);

/** How many of the injected label flips the ranked issues found. */
function reportRecovery() {
  const truthFile = join(dataDir, 'noise_truth.txt');
  const issuesFile = join(demoDir, 'issues.csv');
  if (!existsSync(truthFile) || !existsSync(issuesFile)) return;
  const truth = new Set(readFileSync(truthFile, 'utf8').split('\n').filter(Boolean).map(Number));
  const found = readFileSync(issuesFile, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => Number(l.split(',')[1]));
  const hits = found.filter((i) => truth.has(i)).length;
  process.stderr.write(
    `Injected label flips: ${truth.size}; flagged issues: ${found.length}; ` +
      `precision ${(hits / Math.max(1, found.length)).toFixed(2)}, recall ${(hits / Math.max(1, truth.size)).toFixed(2)}\n`,
  );
}
