import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

export interface RunResult {
  /** Exit code 0. */
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it did not start (ENOENT…) or was killed (timeout). */
  error?: string;
}

/**
 * Everything the diagnosis reads from the machine, behind one interface so that tests can describe a
 * machine (a GPU with CUDA 12, a Mac, no Electron) instead of needing one.
 */
export interface SystemProbe {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  versions: Partial<Record<string, string>>;
  exists(path: string): boolean;
  /** File contents, or null when unreadable. */
  readText(path: string): string | null;
  readBytes(path: string): Buffer | null;
  /** Entry names, [] for a missing folder. */
  listDir(path: string): string[];
  run(cmd: string, args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): RunResult;
  /** The folder of an installed package, or null. */
  packageDir(name: string): string | null;
}

const require = createRequire(import.meta.url);

export const realProbe: SystemProbe = {
  env: process.env,
  platform: process.platform,
  arch: process.arch,
  versions: process.versions,
  exists: existsSync,
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  readBytes(path) {
    try {
      return readFileSync(path);
    } catch {
      return null;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  run(cmd, args, opts = {}) {
    const r = spawnSync(cmd, args, {
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 10_000,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const error = r.error
      ? (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
        ? 'timed out'
        : ((r.error as NodeJS.ErrnoException).code ?? r.error.message)
      : r.signal
        ? `killed by ${r.signal}`
        : undefined;
    return {
      ok: r.status === 0,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      ...(error ? { error } : {}),
    };
  },
  packageDir(name) {
    try {
      return dirname(require.resolve(`${name}/package.json`));
    } catch {
      // A package whose "exports" hides package.json: walk up from its entry point.
      try {
        let dir = dirname(require.resolve(name));
        while (dirname(dir) !== dir) {
          if (existsSync(join(dir, 'package.json')) && dir.endsWith(name.split('/').join(sep))) return dir;
          dir = dirname(dir);
        }
      } catch {
        // not installed
      }
      return null;
    }
  },
};
