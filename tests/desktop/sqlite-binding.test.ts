/** Which better_sqlite3.node the store opens: Node's build under Node, the Electron-ABI file under Electron. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  chooseSqliteBinding,
  electronSqliteRelPath,
  locateSqlitePackage,
  MAKE_ELECTRON_SQLITE,
  readAddonAbi,
  readAddonAbiFile,
} from '../../src-main/core/system/electron-sqlite';

const base = {
  platform: 'linux',
  arch: 'x64',
  root: '/app',
  sqliteVersion: '12.6.2',
};
const electronFile = '/app/native/better-sqlite3-v12.6.2-electron-v38.8.6-linux-x64/better_sqlite3.node';

describe('chooseSqliteBinding', () => {
  it('leaves better-sqlite3 to find its own (Node) build when not under Electron', () => {
    const exists = () => {
      throw new Error('must not look for a file');
    };
    expect(chooseSqliteBinding({ ...base, versions: { node: '20.20.2' }, exists })).toBeUndefined();
  });

  it('picks the Electron-ABI file when process.versions.electron is set (Electron main, ELECTRON_RUN_AS_NODE workers)', () => {
    const seen: string[] = [];
    const exists = (p: string) => (seen.push(p), true);
    const versions = { node: '22.20.0', electron: '38.8.6', modules: '139' };
    expect(chooseSqliteBinding({ ...base, versions, exists })).toBe(electronFile);
    expect(seen).toEqual([electronFile]);
  });

  it('a missing Electron build is an error naming the file and the command that makes it', () => {
    const versions = { node: '22.20.0', electron: '38.8.6' };
    const call = () => chooseSqliteBinding({ ...base, versions, exists: () => false });
    expect(call).toThrow(electronFile);
    expect(call).toThrow(`\`${MAKE_ELECTRON_SQLITE}\``);
    expect(call).toThrow(/Electron 38\.8\.6/);
  });

  it('names one folder per better-sqlite3, Electron, OS and CPU', () => {
    expect(
      electronSqliteRelPath({
        sqliteVersion: '1.2.3',
        electronVersion: '40.0.0',
        platform: 'darwin',
        arch: 'arm64',
      }),
    ).toBe(join('native', 'better-sqlite3-v1.2.3-electron-v40.0.0-darwin-arm64', 'better_sqlite3.node'));
  });
});

describe('readAddonAbi', () => {
  it("reads the ABI of npm's better-sqlite3 build: this Node's", () => {
    const { dir } = locateSqlitePackage();
    expect(readAddonAbiFile(join(dir, 'build', 'Release', 'better_sqlite3.node'))).toEqual({
      kind: 'abi',
      abi: Number(process.versions.modules),
    });
  });

  it('tells N-API addons and unknown files apart', () => {
    expect(readAddonAbi(Buffer.from('\0napi_register_module_v1\0'))).toEqual({ kind: 'napi' });
    expect(readAddonAbi(Buffer.from('\0node_register_module_v139\0'))).toEqual({ kind: 'abi', abi: 139 });
    expect(readAddonAbi(Buffer.from('not an addon'))).toEqual({ kind: 'unknown' });
  });
});

/** Runs openDatabase in a child process that looks like Electron (process.versions.electron set). */
function openAsElectron(electronVersion: string) {
  const script = `
    Object.defineProperty(process.versions, 'electron', { value: ${JSON.stringify(electronVersion)} });
    const { createRequire } = await import('node:module');
    const { openDatabase } = await import('./src-main/core/store/db.ts');
    try {
      const db = openDatabase(':memory:');
      const v = db.prepare('select sqlite_version() as v').get().v;
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.endsWith('.node'));
      console.log(JSON.stringify({ ok: true, v, loaded }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, message: e.message }));
    }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as
    { ok: true; v: string; loaded: string[] } | { ok: false; message: string };
}

describe('openDatabase under Electron', () => {
  it('fails with the command to run when the Electron build is missing', () => {
    const r = openAsElectron('0.0.0-missing');
    expect(r.ok).toBe(false);
    expect(r.ok || r.message).toMatch(/electron-v0\.0\.0-missing-.*better_sqlite3\.node is missing/);
    expect(r.ok || r.message).toContain(MAKE_ELECTRON_SQLITE);
  });

  it('loads the file under native/ for that Electron version, not node_modules/better-sqlite3/build', () => {
    // A stand-in: Node's own build copied to where the Electron build of a made-up version goes (this test
    // runs under Node, so only a Node build can load; the point is which path is opened).
    const { root, dir, version } = locateSqlitePackage();
    const rel = electronSqliteRelPath({
      sqliteVersion: version,
      electronVersion: '0.0.0-test',
      platform: process.platform,
      arch: process.arch,
    });
    const target = join(root, rel);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(join(dir, 'build', 'Release', 'better_sqlite3.node'), target);
    try {
      const r = openAsElectron('0.0.0-test');
      expect(r).toMatchObject({ ok: true });
      expect(r.ok && r.loaded).toEqual([target]);
    } finally {
      rmSync(join(target, '..'), { recursive: true, force: true });
    }
  });
});
