/** `relabel serve` as a real process: one stdout line, token rules, clean exit on SIGTERM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../../src-main/core/store/project';
import { makeServerFixture } from './fixture';
import { postJson, rawRequest } from './http-client';

let fixture: ReturnType<typeof makeServerFixture>;
let projectPath: string;

beforeAll(() => {
  fixture = makeServerFixture();
  projectPath = join(fixture.base, 'p.relabel');
  Project.create(projectPath).close();
});
afterAll(() => fixture.cleanup());

interface Served {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startServe(args: string[], env: Record<string, string> = {}): Served {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/cli/index.ts', 'serve', ...args], {
    env: { ...process.env, RELABEL_RENDERER_DIR: fixture.staticDir, ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function firstLine(served: Served): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (!served.stdout().includes('\n')) {
    if (served.child.exitCode !== null) throw new Error(`serve exited: ${served.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no URL printed; stderr: ${served.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return served.stdout().split('\n')[0];
}

describe('relabel serve', () => {
  it('prints exactly one line with the loopback URL, serves, and exits 0 on SIGTERM', async () => {
    const served = startServe(['--project', projectPath, '--annotator', 'ann']);
    const line = await firstLine(served);
    const m = /^Relabel is serving http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(line);
    expect(m, line).not.toBeNull();
    const port = Number(m![1]);
    expect((await rawRequest(port, { path: '/' })).status).toBe(200);
    const info = await postJson(port, 'projectInfo', {});
    expect(info.status).toBe(200);
    expect(info.json()).toMatchObject({ annotator: 'ann', dataset: null });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toBe(`${line}\n`);
    await expect(rawRequest(port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on a non-loopback host, generates a token and prints it in the URL', async () => {
    const served = startServe(['--project', projectPath, '--host', '0.0.0.0']);
    const line = await firstLine(served);
    const m = /^Relabel is serving http:\/\/0\.0\.0\.0:(\d+)\/\?token=([A-Za-z0-9_-]{32})$/.exec(line);
    expect(m, line).not.toBeNull();
    const [, port, token] = m!;
    expect((await rawRequest(Number(port), { path: '/' })).status).toBe(401);
    expect((await rawRequest(Number(port), { path: `/?token=${token}` })).status).toBe(200);
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  });

  it('refuses a weak --token and a missing renderer build with a clear message', async () => {
    const weak = startServe(['--project', projectPath, '--token', 'short']);
    expect(await weak.exited).not.toBe(0);
    expect(weak.stderr()).toMatch(/--token must be 16-256 characters/);
    expect(weak.stdout()).toBe('');
    const unbuilt = startServe(['--project', projectPath], {
      RELABEL_RENDERER_DIR: join(fixture.base, 'nothing'),
    });
    expect(await unbuilt.exited).toBe(1);
    expect(unbuilt.stderr()).toMatch(/renderer not built: .* run npm run build/);
  });

  it('fails clearly for a project that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relabel-serve-'));
    try {
      const served = startServe(['--project', join(dir, 'missing.relabel')]);
      expect(await served.exited).toBe(1);
      expect(served.stderr()).toMatch(/^relabel: .*missing\.relabel/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
