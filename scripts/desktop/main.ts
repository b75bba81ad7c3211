/**
 * The desktop entry points of package.json, run with tsx:
 *   ensure-sqlite [--force] [--prebuilt FILE]   make the Electron-ABI better-sqlite3 (npm run rebuild:electron)
 *   review --project P                          the end of `npm run setup`: desktop window or browser
 *   start | dev [--project P]                   npm start / npm run dev, with the same browser fallback
 *   troubleshooting [--write]                   print (or write into README.md) doctor's problem table
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasDisplay } from '../../src-main/core/system/display';
import { gatherElectronFacts } from '../../src-main/core/system/electron-facts';
import { realProbe } from '../../src-main/core/system/probe';
import { troubleshootingMarkdown } from '../../src-main/core/system/problems';
import { ElectronSqliteUnavailableError, ensureElectronSqlite, localContext } from './electron-sqlite';
import { needsElectronSqlite, planReview } from './plan';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const say = (line: string) => process.stderr.write(`${line}\n`);
const win = process.platform === 'win32';
const bin = (name: string) => join(root, 'node_modules', '.bin', win ? `${name}.cmd` : name);

function run(cmd: string, args: string[]): number {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: win && cmd.endsWith('.cmd') });
  return r.status ?? 1;
}

/** Makes the Electron build when missing; false (with the reason said) when it cannot be made. */
function ensureSqlite(opts: { force?: boolean; prebuilt?: string } = {}): boolean {
  try {
    const r = ensureElectronSqlite(localContext(root, say, opts.prebuilt), { force: opts.force });
    say(r.status === 'made' ? `Made ${r.path} (${r.via}).` : `Electron build of better-sqlite3: ${r.path}`);
    return true;
  } catch (e) {
    if (!(e instanceof ElectronSqliteUnavailableError)) throw e;
    say(e.message);
    return false;
  }
}

/** Decides between the desktop window and a browser; makes the Electron build only when a window can open. */
function decide() {
  const electron = gatherElectronFacts(realProbe);
  const facts = { electronBinary: electron.binaryExists, display: hasDisplay(process.env, process.platform) };
  const electronSqlite = needsElectronSqlite(facts) ? ensureSqlite() : false;
  return { plan: planReview({ ...facts, electronSqlite }), binary: electron.binary };
}

function serve(project: string | undefined, open: boolean): number {
  const file = project ?? join(root, 'demo', 'demo.relabel');
  if (!existsSync(file)) {
    say(
      `No project to review: ${file} does not exist. Run \`npm run setup\` (it makes the demo project) or pass --project P.`,
    );
    return 1;
  }
  say('Ctrl-C stops the server.');
  return run(process.execPath, [
    join(root, 'bin', 'relabel.mjs'),
    'serve',
    '--project',
    file,
    ...(open ? ['--open'] : []),
  ]);
}

function review(project: string | undefined, mode: 'built' | 'start' | 'dev'): number {
  const { plan, binary } = decide();
  if (plan.launch === 'electron') {
    if (mode === 'dev') return run(bin('electron-vite'), ['dev']);
    if (mode === 'start') return run(bin('electron-vite'), ['preview']);
    const code = run(binary!, [
      join(root, 'out', 'main', 'index.js'),
      ...(project ? ['--project', project] : []),
    ]);
    if (code === 0) return 0;
    say(`Electron exited with code ${code}; serving the review to a browser instead.`);
    return serve(project, true);
  }
  say(plan.why);
  if (mode !== 'built' && run(bin('electron-vite'), ['build']) !== 0) return 1;
  return serve(project, plan.open);
}

function troubleshooting(write: boolean): number {
  const table = troubleshootingMarkdown();
  if (!write) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- troubleshooting:start -->';
  const end = '<!-- troubleshooting:end -->';
  const [i, j] = [text.indexOf(start), text.indexOf(end)];
  if (i < 0 || j < i) {
    say(`README.md has no ${start} … ${end} section`);
    return 1;
  }
  writeFileSync(readme, `${text.slice(0, i + start.length)}\n\n${table}\n\n${text.slice(j)}`);
  say('README.md: Troubleshooting table written (run prettier on it).');
  return 0;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  const project = option(args, '--project');
  switch (command) {
    case 'ensure-sqlite':
      return ensureSqlite({ force: args.includes('--force'), prebuilt: option(args, '--prebuilt') }) ? 0 : 1;
    case 'review':
      return review(project, 'built');
    case 'start':
    case 'dev':
      return review(project, command);
    case 'troubleshooting':
      return troubleshooting(args.includes('--write'));
    default:
      say('usage: tsx scripts/desktop/main.ts ensure-sqlite|review|start|dev|troubleshooting [options]');
      return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
