import { join } from 'node:path';
import type { SystemProbe } from './probe';

export interface ElectronFacts {
  /** The electron npm package's folder and version (the version the desktop app is built for). */
  packageDir: string | null;
  version: string | null;
  /** Where its binary is (or would be); null without the package or its path.txt. */
  binary: string | null;
  binaryExists: boolean;
  /** What the binary says about itself when started as Node (ELECTRON_RUN_AS_NODE); needs no display. */
  runs: { ok: true; electron: string; modules: string } | { ok: false; error: string } | null;
}

/** The Electron binary as node_modules/electron/index.js finds it (path.txt, ELECTRON_OVERRIDE_DIST_PATH). */
export function gatherElectronFacts(p: SystemProbe): ElectronFacts {
  const packageDir = p.packageDir('electron');
  if (!packageDir) return { packageDir, version: null, binary: null, binaryExists: false, runs: null };
  const version = (JSON.parse(p.readText(join(packageDir, 'package.json')) ?? '{}') as { version?: string })
    .version;
  const exe = p.readText(join(packageDir, 'path.txt'))?.trim();
  const override = p.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, exe || 'electron') : exe ? join(packageDir, 'dist', exe) : null;
  const binaryExists = binary !== null && p.exists(binary);
  let runs: ElectronFacts['runs'] = null;
  if (binary && binaryExists) {
    const r = runAsNode(p, binary, 'process.stdout.write(JSON.stringify(process.versions))');
    try {
      const v = JSON.parse(r.stdout) as { electron: string; modules: string };
      runs = r.ok
        ? { ok: true, electron: v.electron, modules: v.modules }
        : { ok: false, error: firstLine(r) };
    } catch {
      runs = { ok: false, error: firstLine(r) };
    }
  }
  return { packageDir, version: version ?? null, binary, binaryExists, runs };
}

const firstLine = (r: { stderr: string; error?: string }) =>
  r.error ?? (r.stderr.trim().split('\n')[0] || 'no output');

/** Runs a script inside the Electron binary as plain Node: Electron's ABI, no window, no display needed. */
export function runAsNode(p: SystemProbe, binary: string, script: string) {
  return p.run(binary, ['-e', script], {
    env: { ...p.env, ELECTRON_RUN_AS_NODE: '1' },
    timeoutMs: 30_000,
  });
}
