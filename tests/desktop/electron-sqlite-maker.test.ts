/** Making the Electron-ABI better-sqlite3 (npm run rebuild:electron): strategies, ABI check, failure path. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateSqlitePackage, MAKE_ELECTRON_SQLITE } from '../../src-main/core/system/electron-sqlite';
import {
  electronBuildEnv,
  ElectronSqliteUnavailableError,
  ensureElectronSqlite,
  failureReason,
  fromSourceStrategy,
  prebuiltStrategy,
  type MakeContext,
  type Strategy,
} from '../../scripts/desktop/electron-sqlite';

/** A file that reads as an addon built for `abi` (what readAddonAbi looks for). */
const fakeAddon = (abi: number) => Buffer.from(`\x7fELF\0node_register_module_v${abi}\0`);

let root: string;
let ctx: MakeContext;
let log: string[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'relabel-electron-sqlite-'));
  log = [];
  const pkg = locateSqlitePackage();
  ctx = {
    root,
    sqliteDir: pkg.dir,
    sqliteVersion: pkg.version,
    electronVersion: '38.8.6',
    abi: 139,
    platform: process.platform,
    arch: process.arch,
    log: (l) => log.push(l),
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const target = () =>
  join(
    root,
    'native',
    `better-sqlite3-v${ctx.sqliteVersion}-electron-v38.8.6-${ctx.platform}-${ctx.arch}`,
    'better_sqlite3.node',
  );

function strategy(name: string, result: Buffer | Error, calls: string[]): Strategy {
  return {
    name,
    make(_ctx, staging) {
      calls.push(name);
      if (result instanceof Error) throw result;
      const out = join(staging, 'out.node');
      writeFileSync(out, result);
      return out;
    },
  };
}

describe('ensureElectronSqlite', () => {
  it('returns at once when the right build is there (no strategy runs)', () => {
    mkdirSync(join(target(), '..'), { recursive: true });
    writeFileSync(target(), fakeAddon(139));
    const calls: string[] = [];
    const r = ensureElectronSqlite(ctx, { strategies: [strategy('a', fakeAddon(139), calls)] });
    expect(r).toEqual({ status: 'present', path: target() });
    expect(calls).toEqual([]);
  });

  it('falls back to the next strategy, installs the result and records how it was made', () => {
    const calls: string[] = [];
    const r = ensureElectronSqlite(ctx, {
      strategies: [
        strategy('download', new Error('getaddrinfo ENOTFOUND'), calls),
        strategy('compile', fakeAddon(139), calls),
      ],
    });
    expect(calls).toEqual(['download', 'compile']);
    expect(r).toEqual({ status: 'made', path: target(), via: 'compile' });
    expect(readFileSync(target())).toEqual(fakeAddon(139));
    expect(JSON.parse(readFileSync(join(target(), '..', 'made-by.json'), 'utf8'))).toMatchObject({
      via: 'compile',
      abi: 139,
    });
    // No staging folder is left behind.
    expect(
      spawnSync('ls', ['-A', join(root, 'native')], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n'),
    ).toHaveLength(1);
  });

  it("rejects a build for another ABI (a rebuild that used Node's headers) and says so", () => {
    const calls: string[] = [];
    const nodeAbi = Number(process.versions.modules);
    const e = (() => {
      try {
        ensureElectronSqlite(ctx, { strategies: [strategy('rebuild', fakeAddon(nodeAbi), calls)] });
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e).toBeInstanceOf(ElectronSqliteUnavailableError);
    expect(e?.message).toContain(`rebuild: it produced a build for ABI ${nodeAbi}, not Electron's 139`);
    expect(existsSync(target())).toBe(false);
  });

  it('remakes a present build with the wrong ABI, and any build with force', () => {
    mkdirSync(join(target(), '..'), { recursive: true });
    writeFileSync(target(), fakeAddon(115));
    const calls: string[] = [];
    expect(ensureElectronSqlite(ctx, { strategies: [strategy('a', fakeAddon(139), calls)] }).status).toBe(
      'made',
    );
    expect(log.join('\n')).toMatch(/built for ABI 115, Electron 38\.8\.6 needs 139/);
    expect(
      ensureElectronSqlite(ctx, { force: true, strategies: [strategy('b', fakeAddon(139), calls)] }).status,
    ).toBe('made');
    expect(calls).toEqual(['a', 'b']);
  });

  it('when nothing works: each reason, the command to retry and the offline route', () => {
    const calls: string[] = [];
    const run = () =>
      ensureElectronSqlite(ctx, {
        strategies: [
          strategy('download', new Error('ENOTFOUND github.com'), calls),
          strategy('compile', new Error('no headers'), calls),
        ],
      });
    expect(run).toThrow(ElectronSqliteUnavailableError);
    expect(run).toThrow(/download: ENOTFOUND github\.com\n {2}- compile: no headers/);
    expect(run).toThrow(`\`${MAKE_ELECTRON_SQLITE}\``);
    expect(run).toThrow(
      `better-sqlite3-v${ctx.sqliteVersion}-electron-v139-${ctx.platform}-${ctx.arch}.tar.gz`,
    );
  });
});

// Where GitHub resolves, the real strategies would download or compile for real: those two tests are for
// machines like this one, without that access.
const offline = await lookup('github.com').then(
  () => false,
  () => true,
);

describe('the real strategies on this machine (no access to GitHub or Electron headers)', () => {
  it.skipIf(!offline)('prebuild-install fails fast with the network reason, and nothing is installed', () => {
    expect(() => ensureElectronSqlite(ctx, { strategies: [prebuiltStrategy] })).toThrow(
      /prebuild-install --runtime electron\): .*(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|timed out)/,
    );
    expect(existsSync(target())).toBe(false);
  });

  it('prebuild-install installs a release tarball given by hand (--prebuilt), after the ABI check', () => {
    // The asset layout of better-sqlite3's releases: build/Release/better_sqlite3.node in a .tar.gz.
    const src = join(root, 'asset');
    mkdirSync(join(src, 'build', 'Release'), { recursive: true });
    writeFileSync(join(src, 'build', 'Release', 'better_sqlite3.node'), fakeAddon(139));
    const tarball = join(root, 'asset.tar.gz');
    expect(spawnSync('tar', ['-czf', tarball, '-C', src, 'build']).status).toBe(0);
    const r = ensureElectronSqlite({ ...ctx, prebuiltTarball: tarball }, { strategies: [prebuiltStrategy] });
    expect(r).toMatchObject({ status: 'made', via: prebuiltStrategy.name });
    expect(readFileSync(target())).toEqual(fakeAddon(139));
  });

  it.skipIf(!offline)("@electron/rebuild fails clearly without Electron's headers", () => {
    expect(() => ensureElectronSqlite(ctx, { strategies: [fromSourceStrategy] })).toThrow(
      /@electron\/rebuild\): node-gyp could not download Electron's headers/,
    );
  });
});

describe('helpers', () => {
  it("drops npm's nodedir (and target/runtime) so node-gyp cannot quietly build against Node's headers", () => {
    const env = electronBuildEnv({
      npm_config_nodedir: '/usr',
      NPM_CONFIG_NODEDIR: '/usr',
      npm_config_target: '20',
      PATH: '/bin',
    });
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('finds the line that says why a tool failed', () => {
    expect(
      failureReason(
        'prebuild-install info begin\nprebuild-install warn install getaddrinfo ENOTFOUND github.com\n',
      ),
    ).toBe('getaddrinfo ENOTFOUND github.com');
    expect(
      failureReason(
        'Building modules\nError: This is most likely not a problem with node-gyp or the package itself and\nis related to network connectivity. In most cases\n    at go (x.js:1)\n',
      ),
    ).toBe("node-gyp could not download Electron's headers (no network access)");
    expect(failureReason('gyp ERR! stack Error: `make` failed with exit code: 2\n    at x\n')).toBe(
      'gyp ERR! stack Error: `make` failed with exit code: 2',
    );
  });
});
