import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BackendDiagnosis } from '../../../src-shared/diagnosis';
import { fashionMnistAvailable, fashionMnistDir } from '../dataset/demo-fashion';
import { diagnoseBackends } from './backends';
import { hasDisplay } from './display';
import { gatherElectronFacts, runAsNode, type ElectronFacts } from './electron-facts';
import { electronSqliteRelPath, locateSqlitePackage, readAddonAbi } from './electron-sqlite';
import { CHECK_TITLES, MIN_NODE, PROBLEMS, type CheckId, type ProblemId } from './problems';
import { realProbe, type SystemProbe } from './probe';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One line: what was found. */
  detail: string;
  problems: ProblemId[];
  fixes: string[];
  /** The main job (import, train, find issues, review in a browser) cannot run while this one fails. */
  required: boolean;
}

export interface DoctorReport {
  /** The main job can run at all. */
  ok: boolean;
  summary: string;
  checks: Check[];
  backends: BackendDiagnosis;
}

export interface DoctorDeps {
  probe: SystemProbe;
  /** Loads better-sqlite3 in this process (Node's ABI). */
  loadNodeSqlite: () => { sqliteVersion: string };
  sqlitePackage: () => { root: string; dir: string; version: string };
  /** Electron's ABI (NODE_MODULE_VERSION) for a version, from node-abi's table; null when unknown. */
  electronAbi: (version: string) => number | null;
  fashionMnist: () => { dir: string; available: boolean };
}

const require = createRequire(import.meta.url);

export const realDoctorDeps: DoctorDeps = {
  probe: realProbe,
  loadNodeSqlite() {
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(':memory:');
    try {
      return { sqliteVersion: (db.prepare('select sqlite_version() as v').get() as { v: string }).v };
    } finally {
      db.close();
    }
  },
  sqlitePackage: locateSqlitePackage,
  electronAbi(version) {
    try {
      // The node-abi that prebuild-install (better-sqlite3's dependency) names Electron builds with.
      const prebuild = createRequire(join(locateSqlitePackage().dir, 'package.json')).resolve(
        'prebuild-install/package.json',
      );
      const { getAbi } = createRequire(prebuild)('node-abi') as {
        getAbi(target: string, runtime: string): string;
      };
      return Number(getAbi(version, 'electron'));
    } catch {
      return null;
    }
  },
  fashionMnist: () => ({ dir: fashionMnistDir(), available: fashionMnistAvailable() }),
};

function check(
  id: CheckId,
  status: CheckStatus,
  detail: string,
  problems: ProblemId[] = [],
  required = false,
): Check {
  return {
    id,
    title: CHECK_TITLES[id],
    status,
    detail,
    problems,
    fixes: problems.map((p) => PROBLEMS[p].fix),
    required,
  };
}

const errLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

function nodeCheck(p: SystemProbe): Check {
  const [major, minor] = (p.versions.node ?? '0.0').split('.').map(Number);
  const [needMajor, needMinor] = MIN_NODE.split('.').map(Number);
  const ok = major > needMajor || (major === needMajor && minor >= needMinor);
  const detail = `${p.versions.node} (needs ≥ ${MIN_NODE}), ABI ${p.versions.modules}`;
  return ok ? check('node', 'ok', detail, [], true) : check('node', 'fail', detail, ['node-too-old'], true);
}

function sqliteCheck(d: DoctorDeps): Check {
  try {
    const { sqliteVersion } = d.loadNodeSqlite();
    return check('sqlite', 'ok', `loads under Node (SQLite ${sqliteVersion})`, [], true);
  } catch (e) {
    return check('sqlite', 'fail', errLine(e), ['sqlite-wont-load'], true);
  }
}

function electronCheck(e: ElectronFacts): Check {
  if (!e.packageDir)
    return check('electron', 'warn', 'electron package not installed', ['electron-not-installed']);
  if (!e.binaryExists)
    return check(
      'electron',
      'warn',
      `electron ${e.version} installed, its binary is not (${e.binary ?? 'no path.txt'})`,
      ['electron-binary-missing'],
    );
  if (e.runs && !e.runs.ok)
    return check('electron', 'warn', `${e.binary} does not start: ${e.runs.error}`, ['electron-wont-run']);
  const running = e.runs?.ok ? `Electron ${e.runs.electron}, ABI ${e.runs.modules}` : `electron ${e.version}`;
  return check('electron', 'ok', `${running} at ${e.binary}`);
}

function electronSqliteCheck(p: SystemProbe, d: DoctorDeps, e: ElectronFacts): Check {
  if (!e.version) return check('electron-sqlite', 'info', 'not checked: no electron package');
  const pkg = d.sqlitePackage();
  const version = e.runs?.ok ? e.runs.electron : e.version;
  const path = join(
    pkg.root,
    electronSqliteRelPath({
      sqliteVersion: pkg.version,
      electronVersion: version,
      platform: p.platform,
      arch: p.arch,
    }),
  );
  const expected = e.runs?.ok ? Number(e.runs.modules) : d.electronAbi(version);
  const want = `Electron ${version} needs ABI ${expected ?? '?'}`;
  const bytes = p.readBytes(path);
  if (!bytes)
    return check('electron-sqlite', 'warn', `${path} missing (${want})`, ['electron-sqlite-missing']);
  const abi = readAddonAbi(bytes);
  const found = abi.kind === 'abi' ? abi.abi : null;
  const wrong =
    found === null || (expected !== null ? found !== expected : String(found) === p.versions.modules);
  if (wrong) {
    const what = found === null ? 'no ABI found in it' : `built for ABI ${found}`;
    return check('electron-sqlite', 'warn', `${path}: ${what}; ${want}`, ['electron-sqlite-wrong-abi']);
  }
  if (e.runs?.ok && e.binary) {
    const script =
      `const D=require(${JSON.stringify(pkg.dir)});` +
      `const db=new D(':memory:',{nativeBinding:${JSON.stringify(path)}});` +
      `process.stdout.write(db.prepare('select sqlite_version() as v').get().v)`;
    const r = runAsNode(p, e.binary, script);
    if (!r.ok) {
      const why =
        r.error ??
        (r.stderr
          .trim()
          .split('\n')
          .find((l) => /Error/.test(l)) ||
          'failed');
      return check('electron-sqlite', 'warn', `${path} does not load in Electron: ${why}`, [
        'electron-sqlite-wont-load',
      ]);
    }
    return check(
      'electron-sqlite',
      'ok',
      `loads in Electron ${version} (ABI ${found}, SQLite ${r.stdout.trim()})`,
    );
  }
  return check('electron-sqlite', 'ok', `${path} (ABI ${found}; load not tried: Electron binary missing)`);
}

function displayCheck(p: SystemProbe): Check {
  if (hasDisplay(p.env, p.platform)) {
    const which = p.env.WAYLAND_DISPLAY
      ? `Wayland ${p.env.WAYLAND_DISPLAY}`
      : p.env.DISPLAY
        ? `X ${p.env.DISPLAY}`
        : p.platform;
    return check('display', 'ok', which);
  }
  return check('display', 'warn', 'DISPLAY and WAYLAND_DISPLAY are unset', ['no-display']);
}

function backendChecks(b: BackendDiagnosis): Check[] {
  const ids = {
    'tensorflow-gpu': 'backend-gpu',
    tensorflow: 'backend-node',
    wasm: 'backend-wasm',
    cpu: 'backend-cpu',
  } as const;
  return b.backends.map((s) =>
    check(
      ids[s.name],
      s.available && s.problems.length === 0 ? 'ok' : 'warn',
      s.detail,
      s.problems as ProblemId[],
    ),
  );
}

function trainingCheck(b: BackendDiagnosis): Check {
  if (!b.expected) return check('training', 'fail', 'no backend will load', ['no-backend'], true);
  if (b.expected === 'cpu') return check('training', 'warn', 'will use cpu', ['cpu-only'], true);
  return check('training', 'ok', `will use ${b.expected}`, [], true);
}

function e2eCheck(p: SystemProbe): Check {
  // Where playwright.config.ts looks for Chromium.
  const chromium = p.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const problems: ProblemId[] = [];
  if (!p.exists(chromium)) problems.push('no-chromium');
  const xvfb = p.exists('/usr/bin/xvfb-run');
  if (!xvfb && !hasDisplay(p.env, p.platform)) problems.push('no-xvfb');
  const detail = `Chromium ${p.exists(chromium) ? chromium : `not at ${chromium}`}; xvfb-run ${xvfb ? 'found' : 'not found'}`;
  return check('e2e', problems.length ? 'warn' : 'ok', detail, problems);
}

function demoCheck(d: DoctorDeps): Check {
  const f = d.fashionMnist();
  return f.available
    ? check('demo', 'ok', `Fashion-MNIST in ${f.dir}`)
    : check('demo', 'info', `no Fashion-MNIST in ${f.dir}: the demo draws faces`, ['no-fashion-mnist']);
}

/** Every check `relabel doctor` makes, in the order it prints them. */
export function runDoctor(d: DoctorDeps = realDoctorDeps): DoctorReport {
  const p = d.probe;
  const electron = gatherElectronFacts(p);
  const backends = diagnoseBackends(p);
  const checks = [
    nodeCheck(p),
    sqliteCheck(d),
    electronCheck(electron),
    electronSqliteCheck(p, d, electron),
    displayCheck(p),
    ...backendChecks(backends),
    trainingCheck(backends),
    e2eCheck(p),
    demoCheck(d),
  ];
  const ok = checks.every((c) => !(c.required && c.status === 'fail'));
  const desktop = ['electron', 'electron-sqlite', 'display'].every(
    (id) => checks.find((c) => c.id === id)?.status === 'ok',
  );
  const summary = !ok
    ? 'The main job cannot run: fix the failed checks above.'
    : `The main job can run: import, train (${backends.expected}) and find issues with the CLI; review ` +
      (desktop
        ? 'in the desktop app (npm start) or a browser.'
        : 'in a browser (npx relabel serve --open --project P).');
  return { ok, summary, checks, backends };
}
