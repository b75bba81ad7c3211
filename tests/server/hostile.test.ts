/**
 * Hostile requests against `relabel serve`'s HTTP API over the real service (issue 16), by behaviour: files that
 * are not regular files, oversized files and lines, control characters, existence oracles, bulk calls, class
 * ceilings, client errors as 4xx, stalled event streams, idle and trickling connections. Each case is bounded in
 * time; the whole file runs in well under a minute.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
} from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src-shared/api';
import { JobRunner, KEEP_FINISHED_JOBS, MAX_JOB_ERROR_CHARS } from '../../src-main/core/jobs';
import { PathRoots } from '../../src-main/core/path-roots';
import { createService, ServiceError } from '../../src-main/core/service';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { jpeg, seedDataset, writeFile } from '../dataset/helpers';
import { makeProject } from '../helpers/project-fixture';
import { relabel } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';
import { makeServerFixture } from './fixture';
import { openEventStream, postJson, rawRequest, until } from './http-client';
import { createServiceTestDouble } from './service-test-double';

const OWNER = 'owner-token-0123456789';
const ANNOTATOR = 'annotator-token-0123456789';
const auth = { Authorization: `Bearer ${OWNER}` };
const LIMITS = { maxClasses: 10, maxFileBytes: 1024 * 1024 };
const ESC = '\u001b';

let fixture: ReturnType<typeof makeServerFixture>;
let root: string;
let service: ReturnType<typeof createService>;
let server: RunningServer;
const jobs = new Map<string, JobEvent>();

beforeAll(async () => {
  fixture = makeServerFixture();
  root = mkdtempSync(join(tmpdir(), 'relabel-hostile-'));
  await seedDataset(join(root, 'seed'), [0, 1, 0, 1]);
  execFileSync('mkfifo', [join(root, 'fifo.txt'), join(root, 'fifo.csv')]);
  mkdirSync(join(root, 'a-folder'));
  service = createService({
    projectPath: join(root, 'p.relabel'),
    annotator: 'owner',
    createIfMissing: true,
    pathRoots: await PathRoots.open([root]),
    limits: LIMITS,
  });
  service.subscribe((e) => {
    if (e.type === 'job') jobs.set(e.job.jobId, e.job);
  });
  server = await startServer({
    service,
    staticDir: fixture.staticDir,
    tokens: { owner: OWNER, annotator: ANNOTATOR },
    log: () => {},
  });
  const first = await importJob({ source: join(root, 'seed') });
  expect(first.status, first.error ?? '').toBe('done');
});
afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
  fixture.cleanup();
});

const call = (name: string, input: unknown, headers: Record<string, string> = auth) =>
  postJson(server.port, name, input, headers);
const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

/** Starts an import over HTTP and waits (bounded) for its final event. */
async function importJob(input: object): Promise<JobEvent> {
  const res = await call('importDataset', input);
  expect(res.status, res.body).toBe(200);
  const { jobId } = res.json() as { jobId: string };
  await until(() => ['done', 'failed', 'cancelled'].includes(jobs.get(jobId)?.status ?? ''), 20_000);
  return jobs.get(jobId)!;
}

const hasControl = (text: string) =>
  [...text].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));

/** A job error: one line, escaped, bounded. */
function expectBoundedError(error: string | null): string {
  expect(error).not.toBeNull();
  expect(error!.length).toBeLessThanOrEqual(MAX_JOB_ERROR_CHARS + 1);
  expect(hasControl(error!)).toBe(false);
  return error!;
}

describe('only regular files are read, with caps, and one message for what cannot be read', () => {
  it('a FIFO, a folder and a missing file as the label file: refused at once, in the same words', async () => {
    const seedImages = join(root, 'seed', 'train_img');
    const errors: string[] = [];
    for (const labels of [join(root, 'fifo.txt'), join(root, 'a-folder'), join(root, 'missing.txt')]) {
      const t0 = performance.now();
      const job = await importJob({ source: seedImages, labels });
      expect(job.status).toBe('failed');
      // A FIFO is never opened for a blocking read: the import fails as fast as for a missing file.
      expect(performance.now() - t0).toBeLessThan(5_000);
      errors.push(expectBoundedError(job.error).replace(labels, '<path>'));
    }
    expect(errors[0]).toBe('cannot read label file <path> (it is missing, unreadable or not a regular file)');
    expect(new Set(errors).size).toBe(1);
    // The server kept answering meanwhile and the dataset is the one imported before.
    const info = await call('projectInfo', {});
    expect((info.json() as { dataset: { numSamples: number } }).dataset.numSamples).toBe(4);
  });

  it('a FIFO named .csv and a missing path as the dataset: the same words, no hang', async () => {
    const fifo = await importJob({ source: join(root, 'fifo.csv') });
    const missing = await importJob({ source: join(root, 'missing.csv') });
    expect(expectBoundedError(fifo.error).replace('fifo.csv', 'X')).toBe(
      expectBoundedError(missing.error).replace('missing.csv', 'X'),
    );
  });

  it('a label file over the size cap, an over-long line and an ANSI line: refused, quoted ≤ 80 characters, escaped', async () => {
    const big = join(root, 'big.txt');
    writeFileSync(big, '0\n'.repeat(600_000));
    expect(
      expectBoundedError((await importJob({ source: join(root, 'seed', 'train_img'), labels: big })).error),
    ).toMatch(
      /^label file .*big\.txt is 1\.1 MB, more than the limit of 1 MB \(raise it with --max-file-mb\)$/,
    );
    const long = join(root, 'long.txt');
    writeFileSync(long, `${'7'.repeat(200_000)}\n1\n0\n1\n`);
    const longError = expectBoundedError(
      (await importJob({ source: join(root, 'seed', 'train_img'), labels: long })).error,
    );
    expect(longError).toMatch(/long\.txt:1: the line is over 65,536 bytes long: "7{80}…"$/);
    const ansi = join(root, 'ansi.txt');
    writeFileSync(ansi, `${ESC}[31mred${ESC}[0m and ${'x'.repeat(300)}\n1\n0\n1\n`);
    const ansiError = expectBoundedError(
      (await importJob({ source: join(root, 'seed', 'train_img'), labels: ansi })).error,
    );
    expect(ansiError).toContain('"\\x1b[31mred\\x1b[0m and xxx');
    const quoted = /"(.*)" is not an integer label/.exec(ansiError)![1];
    expect(quoted.replace(/\\x1b/g, '\u001b').length).toBeLessThanOrEqual(81);
  });

  it('labels beyond the class ceiling and too many class folders are refused at import', async () => {
    const labels = join(root, 'many.txt');
    writeFileSync(labels, '0\n1\n999999\n1\n');
    expect(
      expectBoundedError((await importJob({ source: join(root, 'seed', 'train_img'), labels })).error),
    ).toMatch(/many\.txt:3: label 999999 is not below the limit of 10 classes .*--max-classes/);
    const folders = join(root, 'folders');
    for (let c = 0; c < 11; c++) writeFile(join(folders, `class${c}`, 'a.jpg'), await jpeg(c, 8));
    expect(expectBoundedError((await importJob({ source: folders })).error)).toMatch(
      /more than 10 class folders, more than the limit of 10 classes/,
    );
  });

  it('a CSV with CR line endings only is read', async () => {
    const dir = join(root, 'cr');
    for (let i = 0; i < 4; i++) writeFile(join(dir, `${i}.jpg`), await jpeg(i, 8));
    writeFileSync(join(dir, 'list.csv'), 'path,label\r0.jpg,0\r1.jpg,1\r2.jpg,0\r3.jpg,1\r');
    const job = await importJob({ source: join(dir, 'list.csv') });
    expect(job.status, job.error ?? '').toBe('done');
    const back = await importJob({ source: join(root, 'seed') });
    expect(back.status).toBe('done');
  });

  it('media: a FIFO or an oversized file swapped in for an image is not served, and nothing blocks', async () => {
    const image = join(root, 'seed', 'train_img', '000001.jpg');
    rmSync(image);
    execFileSync('mkfifo', [image]);
    const fifo = await rawRequest(server.port, { path: '/media/image/0', headers: auth });
    expect(fifo.status).toBe(404);
    expect(errorOf(fifo.json()).message).toMatch(
      /cannot read image .* \(it is missing, unreadable or not a regular file\)/,
    );
    rmSync(image);
    const fd = openSync(image, 'w');
    ftruncateSync(fd, 65 * 1024 * 1024); // sparse: 65 MB announced, nothing written
    closeSync(fd);
    const huge = await rawRequest(server.port, { path: '/media/image/0', headers: auth });
    expect(huge.status).toBe(404);
    expect(errorOf(huge.json()).message).toMatch(/is 65 MB, more than the limit of 64 MB$/);
    writeFileSync(image, await jpeg(0));
    expect((await rawRequest(server.port, { path: '/media/image/0', headers: auth })).status).toBe(200);
  });
});

describe('client errors are 4xx with one line', () => {
  it.each([
    ['listSamples offset 1e19', 'listSamples', { offset: 1e19 }, 400],
    [
      'decide on more than 2,000 images',
      'decide',
      { sampleIndices: Array.from({ length: 2001 }, (_, i) => i), action: 'keep' },
      400,
    ],
    ['export onto an existing file', 'exportLabels', { outDir: '<root>/seed/label_train.txt' }, 400],
    ['export onto a FIFO', 'exportLabels', { outDir: '<root>/fifo.txt' }, 400],
    ['export onto the project file', 'exportLabels', { outDir: '<root>/p.relabel' }, 400],
    ['export into the dataset folder', 'exportLabels', { outDir: '<root>/seed' }, 400],
    ['export with a NUL byte', 'exportLabels', { outDir: '<root>/a\u0000b' }, 400],
    ['export with an over-long name', 'exportLabels', { outDir: `<root>/${'n'.repeat(300)}` }, 400],
    [
      'export with a path over 4,096 characters',
      'exportLabels',
      { outDir: `<root>/${'n/'.repeat(2100)}` },
      400,
    ],
  ])('%s', async (_what, name, input, status) => {
    const body = JSON.parse(JSON.stringify(input).replace('<root>', root));
    const res = await call(name, body);
    expect(res.status, res.body).toBe(status);
    const message = errorOf(res.json()).message;
    expect(hasControl(message)).toBe(false);
    expect(message.length).toBeLessThanOrEqual(1001);
  });

  it('a body in another charset is refused with 415', async () => {
    const res = await rawRequest(server.port, {
      path: '/api/projectInfo',
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json; charset=utf-16' },
      body: Buffer.from('{}', 'utf16le'),
    });
    expect(res.status).toBe(415);
  });

  it('the same index several times is one decision', async () => {
    const res = await call('decide', { sampleIndices: [2, 2, 2], action: 'exclude' });
    expect(res.status).toBe(200);
    expect((res.json() as { decisions: unknown[] }).decisions).toHaveLength(1);
    const history = (await call('decisionHistory', { sampleIndex: 2 })).json() as unknown[];
    expect(history).toHaveLength(1);
  });
});

describe('bulk calls and jobs stay bounded', () => {
  it('acceptSuggestions refuses more than 2,000 issues in one step', async () => {
    const dir = tempDir();
    const p = makeProject(
      dir,
      Array.from({ length: 2100 }, (_, i) => i % 2),
    );
    const run = p.runs.create('cv', {});
    p.issues.save(
      run,
      'prune_by_noise_rate',
      'self_confidence',
      Array.from({ length: 2050 }, (_, i) => ({
        sampleIndex: i,
        path: `img${i}.png`,
        givenLabel: i % 2,
        suggestedLabel: 1 - (i % 2),
        quality: i / 5000,
      })),
    );
    p.close();
    const s = createService({ projectPath: join(dir, 'p.relabel'), annotator: 'a' });
    try {
      const e = await s.acceptSuggestions({ maxQuality: 1 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ServiceError);
      expect((e as ServiceError).code).toBe('invalid_input');
      expect((e as Error).message).toMatch(/^2,050 issues match .* at most 2,000 are accepted in one step/);
      const ok = await s.acceptSuggestions({ maxQuality: 0.2 });
      expect(ok.decisions).toHaveLength(1001);
    } finally {
      await s.close();
    }
  });

  it('cancelJob answers true once; finished jobs are pruned and their errors truncated', async () => {
    const events: JobEvent[] = [];
    const runner = new JobRunner((e) => events.push(e));
    const id = runner.start(
      'import',
      (job) =>
        new Promise((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('stop')))),
    );
    expect(runner.cancel(id)).toBe(true);
    expect(runner.cancel(id)).toBe(false);
    for (let i = 0; i < KEEP_FINISHED_JOBS + 10; i++) {
      runner.start('import', async () => {
        throw new Error(`line ${i}: ${'z'.repeat(100_000)}\n${ESC}[2J`);
      });
    }
    await runner.idle();
    await new Promise((r) => setTimeout(r, 10));
    const failed = events.filter((e) => e.status === 'failed');
    expect(failed).toHaveLength(KEEP_FINISHED_JOBS + 10);
    for (const e of failed) {
      expect(e.error!.length).toBeLessThanOrEqual(MAX_JOB_ERROR_CHARS + 1);
      expect(e.error).not.toContain(ESC);
    }
    expect(runner.cancel(id)).toBe(false);
    expect((runner as unknown as { jobs: Map<string, unknown> }).jobs.size).toBeLessThanOrEqual(
      KEEP_FINISHED_JOBS,
    );
  });

  it('RSS stays bounded across repeated failures with a huge label line', async () => {
    const dir = tempDir();
    await seedDataset(join(dir, 'd'), [0, 1]);
    const huge = join(dir, 'huge.txt');
    writeFileSync(huge, `${'9'.repeat(16 * 1024 * 1024)}\n1\n`);
    const s = createService({
      projectPath: join(dir, 'p.relabel'),
      annotator: 'a',
      createIfMissing: true,
      limits: { maxClasses: 10, maxFileBytes: 64 * 1024 * 1024 },
    });
    const finished = new Map<string, JobEvent>();
    s.subscribe((e) => {
      if (e.type === 'job' && e.job.status !== 'running') finished.set(e.job.jobId, e.job);
    });
    try {
      const attempt = async () => {
        const { jobId } = await s.importDataset({ source: join(dir, 'd', 'train_img'), labels: huge });
        await until(() => finished.has(jobId), 20_000);
        expectBoundedError(finished.get(jobId)!.error);
      };
      for (let i = 0; i < 3; i++) await attempt();
      const before = process.memoryUsage().rss;
      for (let i = 0; i < 20; i++) await attempt();
      const grown = (process.memoryUsage().rss - before) / 1024 ** 2;
      console.log(`[hostile] 20 failed imports with a 16 MB label line: RSS grew ${grown.toFixed(0)} MB`);
      // Keeping each error (16 MB of text) would add ≥ 320 MB.
      expect(grown).toBeLessThan(160);
    } finally {
      await s.close();
    }
  });
});

describe('event streams and connections', () => {
  it('an event stream whose client stopped reading is dropped after a bounded buffer; streams are capped', async () => {
    const double = createServiceTestDouble(fixture.mediaDir);
    const srv = await startServer({
      service: double,
      staticDir: fixture.staticDir,
      limits: { maxStreamBuffer: 256 * 1024, maxStreams: 2 },
    });
    try {
      const socket = connect(srv.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`);
      socket.pause(); // never reads again
      await until(() => double.listenerCount() === 1);
      const other = await openEventStream(srv.port);
      const refused = await openEventStream(srv.port);
      expect(refused.status).toBe(503);
      const payload = 'x'.repeat(16 * 1024);
      // One event per turn of the event loop, so the client that reads (in this same process) keeps up.
      for (let i = 0; i < 4000 && double.listenerCount() > 1; i++) {
        double.emit({ type: 'project', reason: payload as 'imported' });
        await new Promise((r) => setImmediate(r));
      }
      // The stalled client is gone; the one that reads is still there.
      await until(() => double.listenerCount() === 1, 5_000);
      expect(other.text().length).toBeGreaterThan(1_000_000);
      other.close();
      socket.destroy();
    } finally {
      await srv.close();
    }
  });

  it('a trickling request, an idle keep-alive connection and connections over the cap are closed', async () => {
    const double = createServiceTestDouble(fixture.mediaDir);
    const srv = await startServer({
      service: double,
      staticDir: fixture.staticDir,
      limits: { maxConnections: 3, headersMs: 500, keepAliveMs: 300, requestMs: 1_000 },
    });
    const open = (): Promise<{ socket: Socket; closed: Promise<number> }> =>
      new Promise((resolve) => {
        const t0 = performance.now();
        const socket = connect(srv.port, '127.0.0.1', () =>
          resolve({
            socket,
            closed: new Promise((r) => socket.once('close', () => r(performance.now() - t0))),
          }),
        );
        socket.on('error', () => {});
        socket.resume();
      });
    try {
      // Slowloris: headers that never end are cut off after about headersMs.
      const slow = await open();
      slow.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nX-a: `);
      const trickle = setInterval(() => slow.socket.writable && slow.socket.write('a'), 100);
      expect(await slow.closed).toBeLessThan(3_000);
      clearInterval(trickle);

      // Keep-alive: a finished request's connection is closed when it idles.
      const idle = await open();
      idle.socket.write(`GET /assets/app-abc.js HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`);
      expect(await idle.closed).toBeLessThan(3_000);

      // The cap: three connections held open, a fourth is closed at once.
      const held = [await open(), await open(), await open()];
      for (const h of held) h.socket.write(`GET / HTTP/1.1\r\n`);
      await new Promise((r) => setTimeout(r, 50));
      const extra = await open();
      expect(await extra.closed).toBeLessThan(500);
      for (const h of held) h.socket.destroy();
    } finally {
      await srv.close();
    }
  });
});

describe('terminal output', () => {
  it('control characters from names and files are printed escaped by the CLI', () => {
    const dir = tempDir();
    const evil = join(dir, `${ESC}[2J${ESC}]0;pwned\u0007folder`);
    const r = relabel(['import', evil, '--project', join(dir, 'x.relabel')]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).not.toContain('\u0007');
    expect(r.stderr).toContain('\\x1b[2J\\x1b]0;pwned\\x07folder');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('symlinks', () => {
  it('a label file that is a link to a folder or a FIFO inside the root reads like any unreadable file', async () => {
    symlinkSync(join(root, 'fifo.txt'), join(root, 'fifo-link.txt'));
    const job = await importJob({
      source: join(root, 'seed', 'train_img'),
      labels: join(root, 'fifo-link.txt'),
    });
    expect(expectBoundedError(job.error)).toBe(
      `cannot read label file ${join(root, 'fifo-link.txt')} (it is missing, unreadable or not a regular file)`,
    );
  });
});
