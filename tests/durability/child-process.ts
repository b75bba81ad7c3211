import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ChildResult {
  /** Complete protocol lines the child printed (a line cut by the kill is dropped). */
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface Child {
  readonly lines: string[];
  readonly exited: Promise<ChildResult>;
  /** Resolves with the first line matching `pred`; rejects if the child exits first or after `timeoutMs`. */
  waitForLine(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  kill(): void;
}

/** Starts `tests/helpers/<script>` in a fresh Node process through tsx, as a user's process would run. */
export function startHelper(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'tests', 'helpers', script), ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let partial = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.pred(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<ChildResult>((resolve) =>
    proc.on('close', (code, signal) => resolve({ lines, code, signal, stderr })),
  );
  return {
    lines,
    exited,
    kill: () => proc.kill('SIGKILL'),
    waitForLine(pred, timeoutMs = 60_000) {
      const found = lines.find(pred);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no matching line after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          pred,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
        void exited.then((r) => {
          clearTimeout(timer);
          reject(
            new Error(
              `${script} exited (code ${r.code}, signal ${r.signal}) before the line came:\n${r.stderr}`,
            ),
          );
        });
      });
    },
  };
}

/**
 * Runs a helper until it printed `ready`, lets it work for `delayMs`, then SIGKILLs it. Fails if it died
 * on its own (an error in the child is a test failure, not a crash we caused).
 */
export async function runAndKill(script: string, args: string[], delayMs: number): Promise<string[]> {
  const child = startHelper(script, args);
  try {
    await child.waitForLine((l) => l === 'ready' || l.startsWith('ready '));
  } catch (e) {
    child.kill();
    throw e;
  }
  await sleep(delayMs);
  child.kill();
  const r = await child.exited;
  if (r.signal !== 'SIGKILL') {
    throw new Error(`${script} ended by itself (code ${r.code}) instead of being killed:\n${r.stderr}`);
  }
  return r.lines;
}
