/** `relabel serve` as a real process: its links, token and data-root rules, clean exit on SIGTERM. */
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

/** The stdout lines once `count` of them have arrived. */
async function lines(served: Served, count: number): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  while (served.stdout().split('\n').length <= count) {
    if (served.child.exitCode !== null) throw new Error(`serve exited: ${served.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no URL printed; stderr: ${served.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return served.stdout().split('\n').slice(0, count);
}

/** `Relabel is serving <url>`, then the owner's and the annotators' links. */
async function links(served: Served, host: string) {
  const [first, owner, annotator] = await lines(served, 3);
  const m = new RegExp(`^Relabel is serving http://${host.replace(/\./g, '\\.')}:(\\d+)/$`).exec(first);
  expect(m, first).not.toBeNull();
  const url = `http://${host}:${m![1]}/`;
  const token = '([A-Za-z0-9._~-]{16,256})';
  const o = new RegExp(
    `^  owner \\(everything; keep it to yourself\\): ${url.replace(/\./g, '\\.')}\\?token=${token}$`,
  ).exec(owner);
  const a = new RegExp(
    `^  annotators \\(review only; share this\\): +${url.replace(/\./g, '\\.')}\\?token=${token}$`,
  ).exec(annotator);
  expect(o, owner).not.toBeNull();
  expect(a, annotator).not.toBeNull();
  return { port: Number(m![1]), owner: o![1], annotator: a![1] };
}

const roleOf = async (port: number, token: string) =>
  ((await postJson(port, 'projectInfo', {}, { Authorization: `Bearer ${token}` })).json() as { role: string })
    .role;

describe('relabel serve', () => {
  it('on loopback prints the URL, an owner link and an annotator link; every request needs one; exits 0 on SIGTERM', async () => {
    const served = startServe(['--project', projectPath, '--annotator', 'ann']);
    const { port, owner, annotator } = await links(served, '127.0.0.1');
    expect(owner).toHaveLength(32);
    expect(annotator).toHaveLength(32);
    expect(owner).not.toBe(annotator);
    expect((await rawRequest(port, { path: '/' })).status).toBe(401);
    expect((await rawRequest(port, { path: `/?token=${owner}` })).status).toBe(200);
    const info = await postJson(port, 'projectInfo', {}, { Authorization: `Bearer ${owner}` });
    expect(info.status).toBe(200);
    expect(info.json()).toMatchObject({ annotator: 'ann', dataset: null, role: 'owner' });
    expect(await roleOf(port, annotator)).toBe('annotator');
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stdout().split('\n')).toHaveLength(4);
    await expect(rawRequest(port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on a non-loopback host, the same two links; --token and --owner-token choose them', async () => {
    const served = startServe([
      '--project',
      projectPath,
      '--host',
      '0.0.0.0',
      '--token',
      'annotators-chosen-token',
      '--owner-token',
      'owners-chosen-token-1',
    ]);
    const { port, owner, annotator } = await links(served, '0.0.0.0');
    expect([owner, annotator]).toEqual(['owners-chosen-token-1', 'annotators-chosen-token']);
    expect((await rawRequest(port, { path: '/' })).status).toBe(401);
    expect(await roleOf(port, annotator)).toBe('annotator');
    expect(await roleOf(port, owner)).toBe('owner');
    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  });

  it('--no-token: one line, a warning, everyone is the owner; refused off loopback', async () => {
    const served = startServe(['--project', projectPath, '--no-token']);
    const [line] = await lines(served, 1);
    const port = Number(/^Relabel is serving http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(line)![1]);
    const info = await postJson(port, 'projectInfo', {});
    expect(info.json()).toMatchObject({ role: 'owner' });
    expect(served.stderr()).toMatch(/warning: --no-token: any local user or process .* acts as the owner/);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stdout()).toBe(`${line}\n`);

    const remote = startServe(['--project', projectPath, '--no-token', '--host', '0.0.0.0']);
    expect(await remote.exited).toBe(1);
    expect(remote.stderr()).toMatch(/^relabel: --no-token is for loopback only/m);
  });

  it("confines imports and exports to the project's folder by default, to --data-root when given", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'relabel-elsewhere-'));
    try {
      const served = startServe(['--project', projectPath]);
      const { port, owner } = await links(served, '127.0.0.1');
      const auth = { Authorization: `Bearer ${owner}` };
      const outside = await postJson(port, 'exportLabels', { outDir: join(elsewhere, 'out') }, auth);
      expect(outside.status).toBe(403);
      expect(outside.body).toMatch(/export folder .* is outside the folders this server may use/);
      // Inside: confinement passes, the export itself then says what is missing.
      const inside = await postJson(port, 'exportLabels', { outDir: join(fixture.base, 'out') }, auth);
      expect(inside.status).toBe(409);
      expect(inside.body).toMatch(/no dataset yet/);
      served.child.kill('SIGTERM');
      await served.exited;

      const rooted = startServe(['--project', projectPath, '--data-root', elsewhere]);
      const r = await links(rooted, '127.0.0.1');
      const auth2 = { Authorization: `Bearer ${r.owner}` };
      expect(
        (await postJson(r.port, 'exportLabels', { outDir: join(fixture.base, 'out') }, auth2)).status,
      ).toBe(403);
      expect((await postJson(r.port, 'exportLabels', { outDir: join(elsewhere, 'out') }, auth2)).status).toBe(
        409,
      );
      rooted.child.kill('SIGTERM');
      await rooted.exited;
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses weak or equal tokens, a missing data root and a missing renderer build with a clear message', async () => {
    const weak = startServe(['--project', projectPath, '--token', 'short']);
    expect(await weak.exited).not.toBe(0);
    expect(weak.stderr()).toMatch(/--token must be 16-256 characters/);
    expect(weak.stdout()).toBe('');
    const weakOwner = startServe(['--project', projectPath, '--owner-token', 'short']);
    expect(await weakOwner.exited).not.toBe(0);
    expect(weakOwner.stderr()).toMatch(/--owner-token must be 16-256 characters/);
    const same = startServe([
      '--project',
      projectPath,
      '--token',
      'x'.repeat(20),
      '--owner-token',
      'x'.repeat(20),
    ]);
    expect(await same.exited).toBe(1);
    expect(same.stderr()).toMatch(/must differ/);
    const noRoot = startServe(['--project', projectPath, '--data-root', join(fixture.base, 'missing')]);
    expect(await noRoot.exited).toBe(1);
    expect(noRoot.stderr()).toMatch(/data root .*missing is not an existing folder/);
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
