import { execFileSync } from 'node:child_process';

/** Runs the built `relabel` CLI and returns its stdout (throws with stderr on failure). */
export function relabel(args: string[], opts: { timeoutMs?: number } = {}): string {
  try {
    return execFileSync(process.execPath, ['bin/relabel.mjs', ...args], {
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`relabel ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** A new, empty project file (what File › New Project does), made through the store itself. */
export function createEmptyProject(path: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'e2e/helpers/create-project.ts', path], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}
