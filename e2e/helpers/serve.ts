import { spawn, type ChildProcess } from 'node:child_process';

export interface Served {
  /** The owner's link (with its token). */
  url: string;
  ownerToken: string;
  /** The annotators' link: review only. */
  annotatorUrl: string;
  annotatorToken: string;
  stop(): Promise<void>;
  stderr(): string;
}

/** Starts `relabel serve --port 0` and reads its stdout: `Relabel is serving <url>`, the owner's and the annotators' links. */
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
  while (out.split('\n').length < 4) {
    if (child.exitCode !== null) throw new Error(`relabel serve exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`relabel serve printed no links; stderr: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const [first, ownerLine, annotatorLine] = out.split('\n');
  if (!/^Relabel is serving \S+$/.test(first))
    throw new Error(`unexpected first line from relabel serve: ${first}`);
  const link = (line: string) => {
    const m = /(http:\/\/\S+\?token=(\S+))$/.exec(line);
    if (!m) throw new Error(`no link in: ${line}`);
    return { url: m[1], token: m[2] };
  };
  const owner = link(ownerLine);
  const annotatorLink = link(annotatorLine);
  return {
    url: owner.url,
    ownerToken: owner.token,
    annotatorUrl: annotatorLink.url,
    annotatorToken: annotatorLink.token,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
