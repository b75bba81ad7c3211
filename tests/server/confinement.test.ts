/**
 * A served project reads datasets and writes exports only under its data roots (`relabel serve --data-root`),
 * judged after resolving `..` and symlinks: over HTTP, with the real service on a real project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathRoots } from '../../src-main/core/path-roots';
import { createService } from '../../src-main/core/service';
import { startServer, type RunningServer } from '../../src-main/server/server';
import type { JobEvent } from '../../src-shared/api';
import { makeServerFixture } from './fixture';
import { postJson, until } from './http-client';
import { makeImageFolder } from './image-folder';

const OWNER = 'owner-token-0123456789';
const auth = { Authorization: `Bearer ${OWNER}` };

let fixture: ReturnType<typeof makeServerFixture>;
let dir: string;
let allowed: string;
let outside: string;
let service: ReturnType<typeof createService>;
let server: RunningServer;
const jobs = new Map<string, JobEvent>();

beforeAll(async () => {
  fixture = makeServerFixture();
  dir = mkdtempSync(join(tmpdir(), 'relabel-confine-'));
  allowed = join(dir, 'allowed');
  outside = join(dir, 'outside');
  await makeImageFolder(join(allowed, 'images'), 4, 0);
  await makeImageFolder(join(outside, 'images'), 4, 0);
  writeFileSync(join(outside, 'labels.txt'), '0\n1\n');
  symlinkSync(outside, join(allowed, 'link-out'));
  symlinkSync(join(outside, 'labels.txt'), join(allowed, 'labels-link.txt'));
  // A seed folder inside the root whose label file, found beside it, lies outside.
  mkdirSync(join(dir, 'seed-images'));
  for (const f of readdirSync(join(allowed, 'images', 'dark')))
    copyFileSync(join(allowed, 'images', 'dark', f), join(dir, 'seed-images', f));
  writeFileSync(join(dir, 'label_train.txt'), '0\n1\n0\n1\n');
  service = createService({
    projectPath: join(allowed, 'p.relabel'),
    annotator: 'owner',
    createIfMissing: true,
    pathRoots: await PathRoots.open([allowed, join(dir, 'seed-images')]),
  });
  service.subscribe((e) => {
    if (e.type === 'job') jobs.set(e.job.jobId, e.job);
  });
  server = await startServer({
    service,
    staticDir: fixture.staticDir,
    tokens: { owner: OWNER, annotator: 'annotator-token-0123456789' },
    log: () => {},
  });
});
afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
  fixture.cleanup();
});

const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

async function importJob(input: object): Promise<JobEvent> {
  const res = await postJson(server.port, 'importDataset', input, auth);
  expect(res.status, res.body).toBe(200);
  const { jobId } = res.json() as { jobId: string };
  await until(() => jobs.get(jobId)?.status !== undefined && jobs.get(jobId)?.status !== 'running', 30_000);
  return jobs.get(jobId)!;
}

describe('data roots', () => {
  it('refuses imports from `..`, absolute paths and symlinks leading out, with one message whether or not they exist', async () => {
    const refused: [object, string][] = [
      [{ source: join(allowed, '..', 'outside', 'images') }, 'dataset'],
      [{ source: join(outside, 'images') }, 'dataset'],
      [{ source: '/etc' }, 'dataset'],
      [{ source: '/etc/no-such-folder' }, 'dataset'],
      [{ source: join(allowed, 'link-out', 'images') }, 'dataset'],
      [{ source: join(allowed, 'images'), labels: join(allowed, 'labels-link.txt') }, 'label file'],
      [{ source: join(allowed, 'images'), labels: '/etc/passwd' }, 'label file'],
    ];
    for (const [input, what] of refused) {
      const res = await postJson(server.port, 'importDataset', input, auth);
      expect(res.status, JSON.stringify(input)).toBe(403);
      const error = errorOf(res.json());
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(new RegExp(`^${what} .* is outside the folders this server may use \\(`));
      expect(error.message).not.toContain('passwd:'); // nothing of the file's content
    }
    const missing = errorOf(
      (await postJson(server.port, 'importDataset', { source: '/etc/no-such-folder' }, auth)).json(),
    );
    const existing = errorOf((await postJson(server.port, 'importDataset', { source: '/etc' }, auth)).json());
    expect(missing.message.replace('/etc/no-such-folder', '/etc')).toBe(existing.message);
  });

  it('refuses a seed folder inside a root whose label file (found beside it) lies outside', async () => {
    const job = await importJob({ source: join(dir, 'seed-images') });
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^label file .*label_train\.txt is outside the folders this server may use/);
  });

  it('imports from inside a root, then exports inside it and nowhere else', async () => {
    const job = await importJob({ source: join(allowed, 'images') });
    expect(job.status, job.error ?? '').toBe('done');
    for (const outDir of [
      join(allowed, '..', 'outside', 'export'),
      join(outside, 'export'),
      '/tmp',
      join(allowed, 'link-out', 'export'),
    ]) {
      const res = await postJson(server.port, 'exportLabels', { outDir }, auth);
      expect(res.status, outDir).toBe(403);
      expect(errorOf(res.json()).message).toMatch(/^export folder .* is outside the folders/);
    }
    expect(existsSync(join(outside, 'export'))).toBe(false);
    const ok = await postJson(
      server.port,
      'exportLabels',
      { outDir: join(allowed, 'exports', 'first') },
      auth,
    );
    expect(ok.status, ok.body).toBe(200);
    expect(existsSync(join(allowed, 'exports', 'first', 'label_train.txt'))).toBe(true);
  });
});
