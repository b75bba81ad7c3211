import { INTERNAL_ERROR_MESSAGE } from '../../src-shared/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { makeServerFixture } from './fixture';
import { postJson, rawRequest } from './http-client';
import { createServiceTestDouble, DoubleServiceError, type ServiceTestDouble } from './service-test-double';

let fixture: ReturnType<typeof makeServerFixture>;
let service: ServiceTestDouble;
let server: RunningServer;
const logged: { context: string; error: unknown }[] = [];

beforeAll(async () => {
  fixture = makeServerFixture();
  service = createServiceTestDouble(fixture.mediaDir);
  server = await startServer({
    service,
    staticDir: fixture.staticDir,
    bodyLimit: 64 * 1024,
    log: (context, error) => logged.push({ context, error }),
  });
});
afterAll(async () => {
  await server.close();
  fixture.cleanup();
});
beforeEach(() => {
  service.calls.length = 0;
  service.answers = {};
  logged.length = 0;
});

const errorOf = (body: unknown) => (body as { error: { code: string; message: string } }).error;

describe('POST /api/<name>', () => {
  it('answers with the service result and passes the parsed input (defaults filled in)', async () => {
    service.answers.listSamples = { total: 3, samples: [] };
    const res = await postJson(server.port, 'listSamples', { classId: 2 });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ total: 3, samples: [] });
    expect(service.calls).toEqual([{ name: 'listSamples', input: { classId: 2, offset: 0, limit: 100 } }]);
  });

  it('treats an empty body as {}', async () => {
    const res = await postJson(server.port, 'projectInfo', '');
    expect(res.status).toBe(200);
    expect(service.calls).toEqual([{ name: 'projectInfo', input: {} }]);
  });

  it.each([
    ['bad JSON', 'projectInfo', '{"a":', /not valid JSON/],
    ['wrong type', 'listSamples', { limit: 'ten' }, /^listSamples: limit: Expected number, received string$/],
    ['out of range', 'listSamples', { limit: 0 }, /limit: Number must be greater than or equal to 1/],
    ['unknown field', 'projectInfo', { extra: 1 }, /Unrecognized key\(s\) in object: 'extra'/],
    ['nested unknown field', 'startTraining', { config: { epochz: 3 } }, /config: Unrecognized key/],
    ['refinement', 'decide', { sampleIndices: [1], action: 'relabel' }, /newLabel: relabel needs newLabel/],
    ['not an object', 'undo', [1, 2], /Expected object, received array/],
    ['negative index', 'decisionHistory', { sampleIndex: -1 }, /sampleIndex: Number must be greater/],
  ])('refuses %s with 400 invalid_input and never calls the service', async (_what, name, body, message) => {
    const res = await postJson(server.port, name, body);
    expect(res.status).toBe(400);
    expect(errorOf(res.json()).code).toBe('invalid_input');
    expect(errorOf(res.json()).message).toMatch(message);
    expect(service.calls).toEqual([]);
  });

  it('lists at most five zod issues', async () => {
    const config = {
      folds: 'a',
      epochs: 'b',
      batchSize: 'c',
      seed: 'd',
      workers: 'e',
      patience: 'f',
      augment: 1,
    };
    const res = await postJson(server.port, 'startTraining', { config });
    expect(res.status).toBe(400);
    expect(errorOf(res.json()).message).toMatch(
      /^startTraining: config\.folds: Expected number.*; and 2 more$/,
    );
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ search: 'x'.repeat(100 * 1024) });
    const declared = await postJson(server.port, 'listSamples', big);
    expect(declared.status).toBe(413);
    expect(errorOf(declared.json()).message).toMatch(/larger than 65536 bytes/);
    const streamed = await rawRequest(server.port, {
      path: '/api/listSamples',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      chunks: Array.from({ length: 10 }, () => Buffer.alloc(16 * 1024, 0x20)),
    });
    expect(streamed.status).toBe(413);
    expect(service.calls).toEqual([]);
  });

  it('refuses a body that is not declared as JSON with 415', async () => {
    const res = await rawRequest(server.port, {
      path: '/api/projectInfo',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(res.status).toBe(415);
    expect(service.calls).toEqual([]);
  });

  it.each(['nope', 'constructor', '__proto__', 'toString', 'projectInfo/x', '', '%70rojectInfo'])(
    'answers 404 for unknown call "%s"',
    async (name) => {
      const res = await postJson(server.port, name, {});
      expect(res.status).toBe(404);
      expect(errorOf(res.json()).code).toBe('not_found');
    },
  );

  it('answers 405 with Allow for a wrong method', async () => {
    const res = await rawRequest(server.port, { path: '/api/projectInfo' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    const events = await rawRequest(server.port, { path: '/api/events', method: 'POST' });
    expect(events.status).toBe(405);
    expect(events.headers.allow).toBe('GET');
  });

  it.each([
    ['not_found', 404],
    ['conflict', 409],
    ['invalid_input', 400],
    ['failed', 500],
  ] as const)('maps ServiceError %s to %i with its user-facing message', async (code, status) => {
    service.answers.computeIssues = new DoubleServiceError(code, `user-facing ${code}`);
    const res = await postJson(server.port, 'computeIssues', {});
    expect(res.status).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: `user-facing ${code}` } });
    expect(logged).toEqual([]);
  });

  it('hides internal errors: generic 500, stack and message only in the log', async () => {
    const bug = new TypeError('cannot read properties of undefined (reading "secretInternalDetail")');
    service.answers.compareRuns = bug;
    const res = await postJson(server.port, 'compareRuns', {});
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'failed', message: INTERNAL_ERROR_MESSAGE } });
    expect(res.body).not.toMatch(/secretInternalDetail|TypeError|at |\.ts/);
    expect(logged).toEqual([{ context: 'compareRuns', error: bug }]);
  });

  it('does not treat an Error that merely has a code as a ServiceError', async () => {
    service.answers.undo = Object.assign(new Error('ENOENT: /home/someone/private'), { code: 'not_found' });
    const res = await postJson(server.port, 'undo', {});
    expect(res.status).toBe(500);
    expect(res.body).not.toMatch(/private/);
  });
});
