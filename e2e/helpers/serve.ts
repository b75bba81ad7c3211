import { spawn, type ChildProcess } from 'node:child_process';

export interface Served {
  url: string;
  stop(): Promise<void>;
  stderr(): string;
}

/** Starts `relabel serve --port 0` and reads the one stdout line `Relabel is serving <url>`. */
export async function startServe(
  projectPath: string,
  annotator = 'e2e',
  extraArgs: string[] = [],
): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'bin/relabel.mjs',
      'serve',
      '--project',
      projectPath,
      '--port',
      '0',
      '--annotator',
      annotator,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  while (!out.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`relabel serve exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`relabel serve printed no URL; stderr: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = /^Relabel is serving (\S+)$/.exec(out.split('\n')[0]);
  if (!m) throw new Error(`unexpected first line from relabel serve: ${out.split('\n')[0]}`);
  return {
    url: m[1],
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
