import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { buildCsp } from '../../src-main/transport/csp';
import { startServer, type RunningServer } from '../../src-main/server/server';
import type { ApiEvent } from '../../src-shared/api';
import { makeServerFixture } from './fixture';
import { openEventStream, postJson, rawRequest, until, type RawResponse } from './http-client';
import { createServiceTestDouble, type ServiceTestDouble } from './service-test-double';

const TOKEN = 'k3Y_9f-secret-token';
const ANNOTATOR_TOKEN = 'annotator-token-xyz';
const TOKENS = { owner: TOKEN, annotator: ANNOTATOR_TOKEN };
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

let fixture: ReturnType<typeof makeServerFixture>;
let open: { server: RunningServer; service: ServiceTestDouble };
let guarded: { server: RunningServer; service: ServiceTestDouble };

beforeAll(async () => {
  fixture = makeServerFixture();
  const start = async (tokens?: typeof TOKENS) => {
    const service = createServiceTestDouble(fixture.mediaDir);
    const server = await startServer({
      service,
      staticDir: fixture.staticDir,
      tokens,
      heartbeatMs: 50,
      log: () => {},
    });
    return { server, service };
  };
  open = await start();
  guarded = await start(TOKENS);
});
afterAll(async () => {
  await open.server.close();
  await guarded.server.close();
  fixture.cleanup();
});

function expectSecurityHeaders(res: { headers: RawResponse['headers'] }, what: string) {
  expect(res.headers['content-security-policy'], what).toBe(CSP);
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['referrer-policy'], what).toBe('no-referrer');
  expect(res.headers['x-frame-options'], what).toBe('DENY');
}

describe('security headers', () => {
  it('builds exactly the documented CSP', () => {
    expect(buildCsp()).toBe(CSP);
  });

  it('are on every kind of response', async () => {
    const port = open.server.port;
    open.service.answers.compareRuns = new Error('bug');
    const responses: [string, RawResponse, number][] = [
      ['static', await rawRequest(port, { path: '/' }), 200],
      ['asset', await rawRequest(port, { path: '/assets/app-abc.js' }), 200],
      ['api', await postJson(port, 'projectInfo', {}), 200],
      ['api 400', await postJson(port, 'projectInfo', { x: 1 }), 400],
      ['api 404', await postJson(port, 'nope', {}), 404],
      ['api 405', await rawRequest(port, { path: '/api/projectInfo' }), 405],
      ['api 413', await postJson(port, 'projectInfo', 'x'.repeat(2 * 1024 * 1024)), 413],
      ['api 415', await rawRequest(port, { path: '/api/projectInfo', method: 'POST', body: '{}' }), 415],
      ['api 500', await postJson(port, 'compareRuns', {}), 500],
      ['media', await rawRequest(port, { path: '/media/thumb/0' }), 200],
      ['media 400', await rawRequest(port, { path: '/media/thumb/..%2fx' }), 400],
      ['media 404', await rawRequest(port, { path: '/media/thumb/9' }), 404],
      ['static 400', await rawRequest(port, { path: '/%2e%2e/secret.txt' }), 400],
      ['static 404', await rawRequest(port, { path: '/x.js' }), 404],
      ['host 403', await rawRequest(port, { path: '/', headers: { Host: 'evil.example' } }), 403],
      ['token 401', await rawRequest(guarded.server.port, { path: '/' }), 401],
    ];
    for (const [what, res, status] of responses) {
      expect(res.status, what).toBe(status);
      expectSecurityHeaders(res, what);
    }
    const stream = await openEventStream(port);
    expectSecurityHeaders(stream, 'events');
    stream.close();
  });

  it('are on the answer to malformed HTTP too', async () => {
    const text = await new Promise<string>((resolve) => {
      const socket = connect(open.server.port, '127.0.0.1', () => socket.write('NOT HTTP\r\n\r\n'));
      let got = '';
      socket.on('data', (d) => (got += d));
      socket.on('close', () => resolve(got));
    });
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    expect(text).toContain(`Content-Security-Policy: ${CSP}`);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('accepts loopback names with our port only', async () => {
    const port = open.server.port;
    const status = async (host: string) =>
      (await rawRequest(port, { path: '/', headers: { Host: host } })).status;
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    expect(await status(`localhost:${port}`)).toBe(200);
    expect(await status(`LOCALHOST:${port}`)).toBe(200);
    expect(await status(`[::1]:${port}`)).toBe(200);
    expect(await status(`evil.example:${port}`)).toBe(403);
    expect(await status(`127.0.0.1.evil.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port + 1}`)).toBe(403);
    expect(await status('localhost')).toBe(403);
    expect(await status(`localhost:${port}@evil`)).toBe(403);
  });

  it('does not bind the check to a name when listening on all interfaces (the token guards it)', async () => {
    const service = createServiceTestDouble(fixture.mediaDir);
    const server = await startServer({
      service,
      staticDir: fixture.staticDir,
      host: '0.0.0.0',
      tokens: TOKENS,
    });
    try {
      expect(server.url).toBe(`http://0.0.0.0:${server.port}/`);
      const res = await rawRequest(server.port, {
        path: '/',
        headers: { Host: `my-box.lan:${server.port}`, Authorization: `Bearer ${TOKEN}` },
      });
      expect(res.status).toBe(200);
      const anon = await rawRequest(server.port, {
        path: '/',
        headers: { Host: `my-box.lan:${server.port}` },
      });
      expect(anon.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe('token', () => {
  const routes: [string, (headers: Record<string, string>, query: string) => Promise<RawResponse>][] = [
    ['index', (h, q) => rawRequest(guarded.server.port, { path: `/${q}`, headers: h })],
    ['app route', (h, q) => rawRequest(guarded.server.port, { path: `/review${q}`, headers: h })],
    ['asset', (h, q) => rawRequest(guarded.server.port, { path: `/assets/app-abc.js${q}`, headers: h })],
    ['media', (h, q) => rawRequest(guarded.server.port, { path: `/media/thumb/0${q}`, headers: h })],
    [
      'api',
      (h, q) =>
        rawRequest(guarded.server.port, {
          path: `/api/projectInfo${q}`,
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...h },
          body: '{}',
        }),
    ],
    [
      'unknown api',
      (h, q) =>
        rawRequest(guarded.server.port, {
          path: `/api/nope${q}`,
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...h },
          body: '{}',
        }),
    ],
  ];

  it.each(routes)('%s: 401 without it or with a wrong one', async (_what, send) => {
    for (const [headers, query] of [
      [{}, ''],
      [{ Authorization: 'Bearer wrong' }, ''],
      [{ Authorization: `Basic ${TOKEN}` }, ''],
      [{}, '?token=wrong'],
      [{}, `?token=${TOKEN}x`],
      [{ Cookie: 'relabel_token=wrong' }, ''],
      [{ Cookie: `other_token=${TOKEN}` }, ''],
    ] as [Record<string, string>, string][]) {
      const res = await send(headers, query);
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({
        error: {
          code: 'unauthorized',
          message: 'a token is required: open the URL printed by relabel serve',
        },
      });
    }
  });

  it.each(routes)("%s: either role's token accepted by header, query and cookie", async (what, send) => {
    const expected = what === 'unknown api' ? 404 : 200;
    for (const token of [TOKEN, ANNOTATOR_TOKEN]) {
      expect((await send({ Authorization: `Bearer ${token}` }, '')).status).toBe(expected);
      expect((await send({}, `?token=${token}`)).status).toBe(expected);
      expect((await send({ Cookie: `a=b; relabel_token=${token}` }, '')).status).toBe(expected);
    }
  });

  it('events: 401 without, streams with the cookie', async () => {
    expect((await openEventStream(guarded.server.port)).status).toBe(401);
    const stream = await openEventStream(guarded.server.port, { Cookie: `relabel_token=${TOKEN}` });
    expect(stream.status).toBe(200);
    stream.close();
  });

  it('the index page loaded with ?token= sets an HttpOnly, SameSite=Strict cookie that then works alone', async () => {
    const first = await rawRequest(guarded.server.port, { path: `/?token=${TOKEN}` });
    expect(first.status).toBe(200);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toBe(`relabel_token=${TOKEN}; Path=/; HttpOnly; SameSite=Strict`);
    const next = await postJson(guarded.server.port, 'projectInfo', {}, { Cookie: cookie.split(';')[0] });
    expect(next.status).toBe(200);
    const byHeader = await rawRequest(guarded.server.port, {
      path: '/',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(byHeader.headers['set-cookie']).toBeUndefined();
  });
});

describe('weak tokens', () => {
  it('are refused at start-up (an empty token would match "?token="), and so are equal ones', async () => {
    const service = createServiceTestDouble(fixture.mediaDir);
    for (const weak of ['', 'short']) {
      for (const tokens of [
        { owner: weak, annotator: ANNOTATOR_TOKEN },
        { owner: TOKEN, annotator: weak },
      ]) {
        await expect(startServer({ service, staticDir: fixture.staticDir, tokens })).rejects.toThrow(
          /at least 16/,
        );
      }
    }
    await expect(
      startServer({ service, staticDir: fixture.staticDir, tokens: { owner: TOKEN, annotator: TOKEN } }),
    ).rejects.toThrow(/must differ/);
    await expect(startServer({ service, staticDir: fixture.staticDir, host: '0.0.0.0' })).rejects.toThrow(
      /needs access tokens/,
    );
  });
});

describe('GET /api/events', () => {
  it('delivers service events as SSE data lines, with heartbeats, and unsubscribes on close', async () => {
    const { server, service } = open;
    const stream = await openEventStream(server.port);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await until(() => service.listenerCount() === 1);
    const event: ApiEvent = {
      type: 'decisions',
      requestId: null,
      batchId: 'b1',
      sampleIndices: [3, 4],
      decisions: [null, null],
      counts: {
        setTotal: 0,
        reviewed: 0,
        decisions: { keep: 0, relabel: 0, exclude: 0 },
        asOf: 0,
        setId: null,
      },
      eventIds: [7, 8],
    };
    service.emit(event);
    await until(() => stream.text().includes('data: '));
    expect(stream.text()).toContain(`data: ${JSON.stringify(event)}\n\n`);
    await until(() => stream.text().includes(': heartbeat\n\n'));
    stream.close();
    await until(() => service.listenerCount() === 0);
  });
});

describe('close()', () => {
  it('ends open event streams and stops accepting connections', async () => {
    const service = createServiceTestDouble(fixture.mediaDir);
    const server = await startServer({ service, staticDir: fixture.staticDir });
    const stream = await openEventStream(server.port);
    await until(() => service.listenerCount() === 1);
    await server.close();
    await stream.ended;
    expect(service.listenerCount()).toBe(0);
    await expect(rawRequest(server.port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  });
});
