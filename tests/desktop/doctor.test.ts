/** `relabel doctor`: fake machines for each branch, and the real command on this machine. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runDoctor, type DoctorDeps, type DoctorReport } from '../../src-main/core/system/doctor';
import { electronSqliteRelPath } from '../../src-main/core/system/electron-sqlite';
import { PROBLEMS } from '../../src-main/core/system/problems';
import { relabel } from '../helpers/run-cli';
import { fakeProbe, pkgFiles, type FakeMachine } from './fake-probe';

const ELECTRON = '/app/node_modules/electron';
const BINARY = `${ELECTRON}/dist/electron`;
const sqliteFile = join(
  '/app',
  electronSqliteRelPath({
    sqliteVersion: '12.6.2',
    electronVersion: '38.8.6',
    platform: 'linux',
    arch: 'x64',
  }),
);
const runAsNode = (script: string) => `${BINARY} -e ${script}`;
const versionsScript = 'process.stdout.write(JSON.stringify(process.versions))';

/** A desktop Linux machine with Electron downloaded and wasm training. */
function machine(over: FakeMachine = {}): FakeMachine {
  return {
    env: { DISPLAY: ':0' },
    files: {
      [`${ELECTRON}/package.json`]: JSON.stringify({ version: '38.8.6' }),
      [`${ELECTRON}/path.txt`]: 'electron',
      [BINARY]: 'ELF',
      ...pkgFiles('/app/node_modules/@tensorflow/tfjs-backend-wasm/dist', 'tfjs-backend-wasm.wasm'),
      '/usr/bin/chromium': 'x',
      '/usr/bin/xvfb-run': 'x',
      ...over.files,
    },
    packages: {
      electron: ELECTRON,
      '@tensorflow/tfjs-backend-wasm': '/app/node_modules/@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-cpu': '/app/node_modules/@tensorflow/tfjs-backend-cpu',
      ...over.packages,
    },
    commands: {
      [runAsNode(versionsScript)]: { stdout: JSON.stringify({ electron: '38.8.6', modules: '139' }) },
      ...over.commands,
    },
    ...(over.nodeVersion ? { nodeVersion: over.nodeVersion } : {}),
    ...(over.env ? { env: over.env } : {}),
  };
}

function doctor(m: FakeMachine, deps: Partial<DoctorDeps> = {}): DoctorReport {
  return runDoctor({
    probe: fakeProbe(m),
    loadNodeSqlite: () => ({ sqliteVersion: '3.51.2' }),
    sqlitePackage: () => ({ root: '/app', dir: '/app/node_modules/better-sqlite3', version: '12.6.2' }),
    electronAbi: () => 139,
    fashionMnist: () => ({ dir: '/usr/share/datasets/fashion-mnist', available: true }),
    ...deps,
  });
}
const byId = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id)!;

describe('runDoctor on described machines', () => {
  it('everything for the desktop app: the Electron build loads in Electron', () => {
    const loadScript = (cmd: string) => cmd.startsWith(`${BINARY} -e const D=`);
    const m = machine({ files: { [sqliteFile]: Buffer.from('node_register_module_v139') } });
    const probe = fakeProbe(m);
    const run = probe.run;
    const calls: string[] = [];
    probe.run = (cmd, args, opts) => {
      const line = [cmd, ...args].join(' ');
      calls.push(line);
      if (loadScript(line)) {
        expect(opts?.env?.ELECTRON_RUN_AS_NODE).toBe('1');
        expect(line).toContain(`nativeBinding:${JSON.stringify(sqliteFile)}`);
        return { ok: true, stdout: '3.51.2', stderr: '' };
      }
      return run(cmd, args, opts);
    };
    const r = doctor(m, { probe });
    expect(byId(r, 'electron')).toMatchObject({
      status: 'ok',
      detail: `Electron 38.8.6, ABI 139 at ${BINARY}`,
    });
    expect(byId(r, 'electron-sqlite')).toMatchObject({
      status: 'ok',
      detail: 'loads in Electron 38.8.6 (ABI 139, SQLite 3.51.2)',
    });
    expect(calls.some(loadScript)).toBe(true);
    expect(r.ok).toBe(true);
    expect(r.summary).toMatch(/review in the desktop app \(npm start\) or a browser/);
  });

  it('an Electron build for the wrong ABI, or one that will not load in Electron', () => {
    const wrong = doctor(machine({ files: { [sqliteFile]: Buffer.from('node_register_module_v115') } }));
    expect(byId(wrong, 'electron-sqlite')).toMatchObject({
      status: 'warn',
      problems: ['electron-sqlite-wrong-abi'],
      detail: `${sqliteFile}: built for ABI 115; Electron 38.8.6 needs ABI 139`,
    });
    expect(wrong.summary).toMatch(/review in a browser/);
    const broken = doctor(
      machine({
        files: { [sqliteFile]: Buffer.from('node_register_module_v139') },
        commands: { [BINARY]: { ok: false, stderr: 'Error: libfoo.so: cannot open shared object file\n' } },
      }),
    );
    expect(byId(broken, 'electron-sqlite')).toMatchObject({ problems: ['electron-sqlite-wont-load'] });
    expect(byId(broken, 'electron-sqlite').detail).toMatch(/does not load in Electron: Error: libfoo\.so/);
  });

  it('Electron package without its binary, and without a display: each with its fix; still ok', () => {
    const m = machine({ env: {} });
    delete m.files![BINARY];
    const r = doctor(m);
    expect(byId(r, 'electron')).toMatchObject({
      status: 'warn',
      problems: ['electron-binary-missing'],
      fixes: [PROBLEMS['electron-binary-missing'].fix],
    });
    // Without a binary its ABI comes from node-abi's table.
    expect(byId(r, 'electron-sqlite')).toMatchObject({ problems: ['electron-sqlite-missing'] });
    expect(byId(r, 'electron-sqlite').detail).toMatch(/missing \(Electron 38\.8\.6 needs ABI 139\)/);
    expect(byId(r, 'display')).toMatchObject({ status: 'warn', problems: ['no-display'] });
    expect(r.ok).toBe(true);
  });

  it('an Electron binary that does not start', () => {
    const r = doctor(
      machine({
        commands: {
          [runAsNode(versionsScript)]: {
            ok: false,
            stderr: 'error while loading shared libraries: libnss3.so\n',
          },
        },
      }),
    );
    expect(byId(r, 'electron')).toMatchObject({ status: 'warn', problems: ['electron-wont-run'] });
    expect(byId(r, 'electron').detail).toMatch(/libnss3\.so/);
  });

  it('the main job cannot run: old Node, better-sqlite3 that will not load, no backend', () => {
    const r = doctor(
      { ...machine({ nodeVersion: '18.19.0' }), packages: {} },
      {
        loadNodeSqlite: () => {
          throw new Error(
            'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 139.\nmore',
          );
        },
      },
    );
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => [c.id, c.problems])).toEqual([
      ['node', ['node-too-old']],
      ['sqlite', ['sqlite-wont-load']],
      ['training', ['no-backend']],
    ]);
    expect(byId(r, 'sqlite').detail).toBe(
      'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 139.',
    );
  });

  it('e2e and demo: Chromium, Xvfb, Fashion-MNIST', () => {
    const m = machine({ env: {} });
    delete m.files!['/usr/bin/chromium'];
    delete m.files!['/usr/bin/xvfb-run'];
    const r = doctor(m, { fashionMnist: () => ({ dir: '/nowhere', available: false }) });
    expect(byId(r, 'e2e').problems).toEqual(['no-chromium', 'no-xvfb']);
    expect(byId(r, 'demo')).toMatchObject({ status: 'info', problems: ['no-fashion-mnist'] });
  });
});

describe('relabel doctor on this machine (no GPU, no libtensorflow, no Electron binary, no display)', () => {
  const env = { DISPLAY: '', WAYLAND_DISPLAY: '' };

  it('--json: each missing piece with its reason and fix; exit 0 because wasm training and the browser work', () => {
    const r = relabel(['doctor', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const c = (id: string) => report.checks.find((x) => x.id === id)!;
    expect(report.ok).toBe(true);
    expect(c('node')).toMatchObject({ status: 'ok', required: true });
    expect(c('sqlite')).toMatchObject({ status: 'ok', required: true });
    expect(c('sqlite').detail).toMatch(/^loads under Node \(SQLite 3\.\d+/);
    expect(c('electron')).toMatchObject({ status: 'warn', problems: ['electron-binary-missing'] });
    expect(c('electron').detail).toMatch(/^electron 38\.\d+\.\d+ installed, its binary is not/);
    expect(c('electron-sqlite')).toMatchObject({ status: 'warn', problems: ['electron-sqlite-missing'] });
    expect(c('electron-sqlite').detail).toMatch(
      /native\/better-sqlite3-v[\d.]+-electron-v38\.[\d.]+-linux-x64\/better_sqlite3\.node missing \(Electron 38\.[\d.]+ needs ABI 139\)/,
    );
    expect(c('display')).toMatchObject({ status: 'warn', problems: ['no-display'] });
    expect(c('backend-gpu').problems).toEqual(
      expect.arrayContaining(['gpu-no-driver', 'gpu-no-cuda11', 'gpu-no-cudnn8', 'gpu-not-installed']),
    );
    expect(c('backend-gpu').detail).toMatch(
      /^no NVIDIA driver \(nvidia-smi and libcuda\.so\.1 not found\); CUDA runtime found: .*needs 11\.x \(11\.2\); cuDNN found: .*needs 8\.x \(8\.1\); @tensorflow\/tfjs-node-gpu not installed$/,
    );
    expect(c('backend-node')).toMatchObject({
      status: 'warn',
      problems: ['node-not-installed'],
      fixes: [PROBLEMS['node-not-installed'].fix],
    });
    expect(c('backend-wasm')).toMatchObject({
      status: 'ok',
      detail: 'WebAssembly with SIMD, one thread per worker process',
    });
    expect(c('training')).toMatchObject({ status: 'ok', detail: 'will use wasm' });
    expect(report.backends.expected).toBe('wasm');
    for (const check of report.checks)
      expect(check.fixes).toEqual(check.problems.map((p) => PROBLEMS[p].fix));
  });

  it('the plain report: one line per check, each missing piece with its fix on the same line', () => {
    const r = relabel(['doctor'], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const line = (title: string) => lines.find((l) => l.slice(2).startsWith(title))!;
    expect(line('Electron ')).toMatch(
      /^! Electron +electron .* — fix: `node node_modules\/electron\/install\.js`/,
    );
    expect(line('tfjs-node-gpu')).toMatch(
      /^! tfjs-node-gpu +no NVIDIA driver.* — fix: install the NVIDIA driver/,
    );
    expect(line('wasm backend')).toMatch(/^✓ wasm backend +WebAssembly with SIMD/);
    expect(lines.at(-1)).toMatch(/^The main job can run: import, train \(wasm\)/);
  });
});
