/**
 * The HTTP server over the real service on a real project (the other tests in this folder use a test
 * double to reach every transport path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService } from '../../src-main/core/service';
import { startServer, type RunningServer } from '../../src-main/server/server';
import type { ApiEvent, ProjectInfo } from '../../src-shared/api';
import { makeServerFixture } from './fixture';
import { openEventStream, postJson, rawRequest, until } from './http-client';
import { jobFinished, makeImageFolder } from './image-folder';

let fixture: ReturnType<typeof makeServerFixture>;
let dir: string;
let service: ReturnType<typeof createService>;
let server: RunningServer;

beforeAll(async () => {
  fixture = makeServerFixture();
  dir = mkdtempSync(join(tmpdir(), 'relabel-real-'));
  const images = await makeImageFolder(join(dir, 'images'));
  service = createService({
    projectPath: join(dir, 'p.relabel'),
    annotator: 'tester',
    createIfMissing: true,
  });
  const job = await jobFinished(service, () => service.importDataset({ source: images }));
  expect(job.status, job.error ?? '').toBe('done');
  server = await startServer({
    service,
    staticDir: fixture.staticDir,
    tokens: { owner: 'a-long-enough-test-token', annotator: 'annotator-test-token' },
  });
});
afterAll(async () => {
  await server?.close();
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
  fixture.cleanup();
});

const auth = { Authorization: 'Bearer a-long-enough-test-token' };

describe('server over the real service', () => {
  it('answers projectInfo and listSamples', async () => {
    const info = (await postJson(server.port, 'projectInfo', {}, auth)).json() as ProjectInfo;
    expect(info.dataset?.numSamples).toBe(16);
    expect(info.annotator).toBe('tester');
    const page = await postJson(server.port, 'listSamples', { limit: 3 }, auth);
    expect(page.status).toBe(200);
    expect((page.json() as { total: number; samples: unknown[] }).samples).toHaveLength(3);
  });

  it('serves thumbnails and originals, 404 past the end', async () => {
    const thumb = await rawRequest(server.port, { path: '/media/thumb/0', headers: auth });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toMatch(/^image\//);
    const image = await rawRequest(server.port, { path: '/media/image/15', headers: auth });
    expect(image.status).toBe(200);
    expect(image.bytes.subarray(1, 4).toString()).toBe('PNG');
    const missing = await rawRequest(server.port, { path: '/media/thumb/16', headers: auth });
    expect(missing.status).toBe(404);
    expect((missing.json() as { error: { code: string } }).error.code).toBe('not_found');
    expect(missing.body).not.toMatch(/at .*\.ts/);
  });

  it('passes ServiceErrors on with their code', async () => {
    const res = await postJson(server.port, 'decisionHistory', { sampleIndex: 999 }, auth);
    expect(res.status).toBe(404);
    expect((res.json() as { error: { code: string } }).error.code).toBe('not_found');
    const unknownClass = await postJson(
      server.port,
      'decide',
      { sampleIndices: [0], action: 'relabel', newLabel: 7 },
      auth,
    );
    expect(unknownClass.status).toBe(400);
  });

  it('streams the decisions event of a decision made over HTTP', async () => {
    const stream = await openEventStream(server.port, auth);
    const decided = await postJson(server.port, 'decide', { sampleIndices: [0, 1], action: 'exclude' }, auth);
    expect(decided.status).toBe(200);
    await until(() => stream.text().includes('"type":"decisions"'));
    const event = JSON.parse(/data: (\{"type":"decisions".*\})\n/.exec(stream.text())![1]) as ApiEvent;
    expect(event).toMatchObject({
      type: 'decisions',
      batchId: (decided.json() as { batchId: string }).batchId,
      sampleIndices: [0, 1],
      decisions: [{ action: 'exclude' }, { action: 'exclude' }],
      counts: { decisions: { keep: 0, relabel: 0, exclude: 2 } },
    });
    stream.close();
    const undone = await postJson(server.port, 'undo', {}, auth);
    expect((undone.json() as { changed: number[] }).changed.sort()).toEqual([0, 1]);
  });
});
