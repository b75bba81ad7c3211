import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * better-sqlite3 for two runtimes side by side. npm builds `better_sqlite3.node` for Node's ABI where it
 * installs it (the CLI, the server and the tests use that one). Electron's main process and the training
 * workers it forks with ELECTRON_RUN_AS_NODE (there `process.versions.electron` is still set and the ABI is
 * Electron's) need a build for Electron's ABI; it lives in its own folder under `native/`, outside
 * node_modules, so `npm install` / `npm rebuild` (node-gyp cleans `build/`) never delete it and
 * electron-builder never rebuilds the CLI's copy in place.
 */

/** The command that makes the Electron build (scripts/desktop/main.ts ensure-sqlite). */
export const MAKE_ELECTRON_SQLITE = 'npm run rebuild:electron';

/** The folder, relative to the app root, holding one subfolder per (better-sqlite3, Electron, OS, CPU). */
export const NATIVE_DIR = 'native';

export interface ElectronSqliteTarget {
  sqliteVersion: string;
  electronVersion: string;
  platform: string;
  arch: string;
}

/** `native/better-sqlite3-v12.6.2-electron-v38.8.6-linux-x64/better_sqlite3.node`, relative to the root. */
export function electronSqliteRelPath(t: ElectronSqliteTarget): string {
  const folder = `better-sqlite3-v${t.sqliteVersion}-electron-v${t.electronVersion}-${t.platform}-${t.arch}`;
  return join(NATIVE_DIR, folder, 'better_sqlite3.node');
}

/** What kind of addon a `.node` file is, from the registration symbol its exports table names. */
export type AddonAbi = { kind: 'napi' } | { kind: 'abi'; abi: number } | { kind: 'unknown' };

export function readAddonAbi(bytes: Buffer): AddonAbi {
  const text = bytes.toString('latin1');
  const m = /node_register_module_v(\d+)/.exec(text);
  if (m) return { kind: 'abi', abi: Number(m[1]) };
  if (text.includes('napi_register_module_v1')) return { kind: 'napi' };
  return { kind: 'unknown' };
}

export function readAddonAbiFile(path: string): AddonAbi {
  return readAddonAbi(readFileSync(path));
}

export class ElectronSqliteMissingError extends Error {
  override name = 'ElectronSqliteMissingError';
  constructor(
    readonly path: string,
    electronVersion: string,
  ) {
    super(
      `better-sqlite3 has no build for Electron ${electronVersion}: ${path} is missing. ` +
        `Make it with \`${MAKE_ELECTRON_SQLITE}\` (needs internet), or use \`relabel serve\` in a browser`,
    );
  }
}

export interface BindingContext {
  /** process.versions: `electron` is set in Electron's main process and in ELECTRON_RUN_AS_NODE children. */
  versions: Partial<Record<string, string>>;
  platform: string;
  arch: string;
  /** The folder holding node_modules/better-sqlite3 (the repository, or app.asar when packaged). */
  root: string;
  sqliteVersion: string;
  exists: (path: string) => boolean;
}

/**
 * The `nativeBinding` option for `new Database()`: undefined under plain Node (better-sqlite3 finds its own
 * build), the Electron-ABI file under Electron. A missing Electron build is an error naming the command that
 * makes it, rather than Electron's "compiled against a different Node.js version".
 */
export function chooseSqliteBinding(ctx: BindingContext): string | undefined {
  const electronVersion = ctx.versions.electron;
  if (!electronVersion) return undefined;
  const path = join(
    ctx.root,
    electronSqliteRelPath({
      sqliteVersion: ctx.sqliteVersion,
      electronVersion,
      platform: ctx.platform,
      arch: ctx.arch,
    }),
  );
  if (!ctx.exists(path)) throw new ElectronSqliteMissingError(path, electronVersion);
  return path;
}

/** Where better-sqlite3 is installed, and the root its node_modules folder sits in. */
export function locateSqlitePackage(): { root: string; dir: string; version: string } {
  const pkgJson = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
  const dir = dirname(pkgJson);
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { root: dirname(dirname(dir)), dir, version };
}

let cached: { binding: string | undefined } | null = null;

/** chooseSqliteBinding for this process (decided once). */
export function sqliteNativeBinding(): string | undefined {
  if (cached) return cached.binding;
  if (!process.versions.electron) {
    cached = { binding: undefined };
    return undefined;
  }
  const pkg = locateSqlitePackage();
  const binding = chooseSqliteBinding({
    versions: process.versions,
    platform: process.platform,
    arch: process.arch,
    root: pkg.root,
    sqliteVersion: pkg.version,
    exists: existsSync,
  });
  cached = { binding };
  return binding;
}
