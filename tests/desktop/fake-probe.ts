import { dirname, join } from 'node:path';
import type { RunResult, SystemProbe } from '../../src-main/core/system/probe';

export interface FakeMachine {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  nodeVersion?: string;
  /** Files by path (their folders are listed by listDir). */
  files?: Record<string, string | Buffer>;
  /** Command line ("nvidia-smi --query-gpu=…") or command name → its result; anything else is ENOENT. */
  commands?: Record<string, Partial<RunResult>>;
  /** Installed packages → folder. */
  packages?: Record<string, string>;
}

/** A machine described by its files, commands and packages. */
export function fakeProbe(m: FakeMachine): SystemProbe {
  const files = m.files ?? {};
  return {
    env: m.env ?? {},
    platform: m.platform ?? 'linux',
    arch: 'x64',
    versions: { node: m.nodeVersion ?? '20.20.2', modules: '115' },
    exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
    readText: (p) => (p in files ? String(files[p]) : null),
    readBytes: (p) => (p in files ? Buffer.from(files[p]) : null),
    listDir: (dir) => [
      ...new Set(Object.keys(files).flatMap((f) => (dirname(f) === dir ? [f.slice(dir.length + 1)] : []))),
    ],
    run(cmd, args) {
      const r = m.commands?.[[cmd, ...args].join(' ')] ?? m.commands?.[cmd];
      if (!r) return { ok: false, stdout: '', stderr: '', error: 'ENOENT' };
      return { ok: true, stdout: '', stderr: '', ...r };
    },
    packageDir: (name) => m.packages?.[name] ?? null,
  };
}

export const pkgFiles = (dir: string, ...names: string[]) =>
  Object.fromEntries(names.map((n) => [join(dir, n), 'x']));
