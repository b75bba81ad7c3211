/**
 * Makes the Electron-ABI better_sqlite3.node beside the Node build (see src-main/core/system/electron-sqlite.ts):
 * first better-sqlite3's prebuilt binary for this Electron (prebuild-install --runtime electron), else a
 * build from source with Electron's headers (@electron/rebuild) on a copy of the package, so the Node build
 * the CLI uses is never touched. Every result is checked for Electron's ABI before it is installed: with
 * npm's `nodedir` set, a "successful" rebuild can silently be a Node build.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import {
  electronSqliteRelPath,
  MAKE_ELECTRON_SQLITE,
  NATIVE_DIR,
  readAddonAbiFile,
} from '../../src-main/core/system/electron-sqlite';

export interface MakeContext {
  root: string;
  /** node_modules/better-sqlite3 */
  sqliteDir: string;
  sqliteVersion: string;
  electronVersion: string;
  /** Electron's NODE_MODULE_VERSION, which the result must be built for. */
  abi: number;
  platform: string;
  arch: string;
  /** A prebuilt tarball downloaded elsewhere (offline machines). */
  prebuiltTarball?: string;
  log: (line: string) => void;
}

export interface Strategy {
  name: string;
  /** Makes the addon inside `staging` and returns its path; throws with a one-line reason. */
  make(ctx: MakeContext, staging: string): string;
}

export type EnsureResult =
  { status: 'present'; path: string } | { status: 'made'; path: string; via: string };

export class ElectronSqliteUnavailableError extends Error {
  override name = 'ElectronSqliteUnavailableError';
}

/** Environment for a build aimed at Electron: npm's nodedir would point node-gyp at Node's headers. */
export function electronBuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const key of Object.keys(out)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(key)) delete out[key];
  }
  return out;
}

/** The line of a failed tool's output that says why, with its continuation lines (node-gyp wraps them). */
export function failureReason(output: string): string {
  if (/related to network connectivity/.test(output)) {
    return "node-gyp could not download Electron's headers (no network access)";
  }
  const lines = output.split('\n').map((l) => l.trim());
  const i = lines.findIndex((l) =>
    /warn install|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|^Error:|\bERR!/.test(l),
  );
  if (i < 0) return lines.filter(Boolean).pop() ?? 'no output';
  const more = lines.slice(i + 1).findIndex((l) => !l || l.startsWith('at '));
  const message = lines.slice(i, more < 0 ? undefined : i + 1 + more).join(' ');
  return message.replace(/^prebuild-install warn install /, '').replace(/^Error: /, '');
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): void {
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status === 0) return;
  throw new Error(r.error?.message ?? failureReason(`${r.stderr ?? ''}\n${r.stdout ?? ''}`));
}

/** better-sqlite3's GitHub release asset for this Electron, through the prebuild-install it depends on. */
export const prebuiltStrategy: Strategy = {
  name: 'prebuilt binary (prebuild-install --runtime electron)',
  make(ctx, staging) {
    const bin = createRequire(join(ctx.sqliteDir, 'package.json')).resolve('prebuild-install/bin.js');
    copyFileSync(join(ctx.sqliteDir, 'package.json'), join(staging, 'package.json'));
    if (ctx.prebuiltTarball) {
      // prebuild-install looks in ./prebuilds/ for the asset's own name before downloading.
      const asset = `better-sqlite3-v${ctx.sqliteVersion}-electron-v${ctx.abi}-${ctx.platform}-${ctx.arch}.tar.gz`;
      mkdirSync(join(staging, 'prebuilds'));
      copyFileSync(ctx.prebuiltTarball, join(staging, 'prebuilds', asset));
    }
    const args = [
      '--runtime',
      'electron',
      '--target',
      ctx.electronVersion,
      '--arch',
      ctx.arch,
      '--platform',
      ctx.platform,
    ];
    run(process.execPath, [bin, ...args], staging, electronBuildEnv(process.env), 120_000);
    const out = join(staging, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(out))
      throw new Error('prebuild-install reported success but left no better_sqlite3.node');
    return out;
  },
};

/** node-gyp with Electron's headers, on a copy of the package (the Node build stays as it is). */
export const fromSourceStrategy: Strategy = {
  name: 'build from source (@electron/rebuild)',
  make(ctx, staging) {
    // electron-builder's own copy (app-builder-lib depends on it); its "exports" names only lib/main.js, and
    // the command line sits beside it.
    const builder = createRequire(import.meta.url).resolve('app-builder-lib/package.json');
    const main = createRequire(builder).resolve('@electron/rebuild');
    const cli = join(dirname(main), 'cli.js');
    const app = join(staging, 'app');
    const copy = join(app, 'node_modules', 'better-sqlite3');
    const built = join(ctx.sqliteDir, 'build');
    mkdirSync(copy, { recursive: true });
    cpSync(ctx.sqliteDir, copy, {
      recursive: true,
      filter: (src) => src !== built && !src.startsWith(built + sep),
    });
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'electron-sqlite',
        version: '0.0.0',
        dependencies: { 'better-sqlite3': ctx.sqliteVersion },
      }),
    );
    const args = [
      '--version',
      ctx.electronVersion,
      '--arch',
      ctx.arch,
      '--module-dir',
      app,
      '--only',
      'better-sqlite3',
      '--force',
      '--build-from-source',
    ];
    run(process.execPath, [cli, ...args], app, electronBuildEnv(process.env), 15 * 60_000);
    const out = join(copy, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(out))
      throw new Error('@electron/rebuild reported success but left no better_sqlite3.node');
    return out;
  },
};

export const defaultStrategies = [prebuiltStrategy, fromSourceStrategy];

function abiOf(path: string): string {
  const a = readAddonAbiFile(path);
  return a.kind === 'abi' ? String(a.abi) : a.kind;
}

/**
 * Makes sure `native/…-electron-v<version>-<platform>-<arch>/better_sqlite3.node` exists and is built for
 * Electron's ABI: returns at once when it does (unless `force`), else tries each strategy in turn and
 * installs the first result with the right ABI. Throws ElectronSqliteUnavailableError saying what each
 * strategy hit and how to go on.
 */
export function ensureElectronSqlite(
  ctx: MakeContext,
  opts: { force?: boolean; strategies?: Strategy[] } = {},
): EnsureResult {
  const target = join(ctx.root, electronSqliteRelPath(ctx));
  if (existsSync(target) && !opts.force) {
    const found = abiOf(target);
    if (found === String(ctx.abi)) return { status: 'present', path: target };
    ctx.log(
      `${target} is built for ABI ${found}, Electron ${ctx.electronVersion} needs ${ctx.abi}: making it again`,
    );
  }
  const failures: string[] = [];
  const nativeDir = join(ctx.root, NATIVE_DIR);
  mkdirSync(nativeDir, { recursive: true });
  for (const strategy of opts.strategies ?? defaultStrategies) {
    const staging = mkdtempSync(join(nativeDir, '.staging-'));
    try {
      ctx.log(
        `better-sqlite3 for Electron ${ctx.electronVersion} (ABI ${ctx.abi}): trying ${strategy.name}…`,
      );
      const made = strategy.make(ctx, staging);
      const found = abiOf(made);
      if (found !== String(ctx.abi)) {
        throw new Error(
          `it produced a build for ABI ${found}, not Electron's ${ctx.abi} (Node's headers used?)`,
        );
      }
      mkdirSync(dirname(target), { recursive: true });
      const partial = `${target}.partial`;
      copyFileSync(made, partial);
      renameSync(partial, target);
      writeFileSync(
        join(dirname(target), 'made-by.json'),
        `${JSON.stringify({ via: strategy.name, electron: ctx.electronVersion, abi: ctx.abi, betterSqlite3: ctx.sqliteVersion, at: new Date().toISOString() }, null, 2)}\n`,
      );
      return { status: 'made', path: target, via: strategy.name };
    } catch (e) {
      failures.push(`${strategy.name}: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  throw new ElectronSqliteUnavailableError(
    [
      `better-sqlite3 for Electron ${ctx.electronVersion} (ABI ${ctx.abi}) could not be made:`,
      ...failures.map((f) => `  - ${f}`),
      `With internet access run \`${MAKE_ELECTRON_SQLITE}\`; offline, download ` +
        `better-sqlite3-v${ctx.sqliteVersion}-electron-v${ctx.abi}-${ctx.platform}-${ctx.arch}.tar.gz from ` +
        `better-sqlite3's GitHub release v${ctx.sqliteVersion} elsewhere and run ` +
        `\`${MAKE_ELECTRON_SQLITE} -- --prebuilt <that file>\`. Until then the review runs in a browser.`,
    ].join('\n'),
  );
}

/** The context for this checkout: installed better-sqlite3 and electron, Electron's ABI from node-abi. */
export function localContext(
  root: string,
  log: (line: string) => void,
  prebuiltTarball?: string,
): MakeContext {
  const req = createRequire(join(root, 'package.json'));
  const sqliteDir = dirname(req.resolve('better-sqlite3/package.json'));
  const electronPkg = req.resolve('electron/package.json');
  const version = (p: string) => (req(p) as { version: string }).version;
  const electronVersion = version(electronPkg);
  // The node-abi that prebuild-install (better-sqlite3's dependency) names the release assets with.
  const prebuild = createRequire(join(sqliteDir, 'package.json')).resolve('prebuild-install/package.json');
  const { getAbi } = createRequire(prebuild)('node-abi') as {
    getAbi(target: string, runtime: string): string;
  };
  let abi: number;
  try {
    abi = Number(getAbi(electronVersion, 'electron'));
  } catch (e) {
    throw new ElectronSqliteUnavailableError(
      `node-abi does not know Electron ${electronVersion} (${(e as Error).message}): update node-abi in package.json`,
    );
  }
  if (prebuiltTarball && !existsSync(prebuiltTarball)) {
    throw new ElectronSqliteUnavailableError(`--prebuilt ${prebuiltTarball}: no such file`);
  }
  return {
    root,
    sqliteDir,
    sqliteVersion: version(join(sqliteDir, 'package.json')),
    electronVersion,
    abi,
    platform: process.platform,
    arch: process.arch,
    prebuiltTarball,
    log,
  };
}
