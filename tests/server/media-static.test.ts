import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src-main/server/server';
import { APP_JS, INDEX_HTML, makeServerFixture, SECRET, THUMB0 } from './fixture';
import { rawRequest } from './http-client';
import { createServiceTestDouble } from './service-test-double';

let fixture: ReturnType<typeof makeServerFixture>;
let server: RunningServer;

beforeAll(async () => {
  fixture = makeServerFixture();
  server = await startServer({
    service: createServiceTestDouble(fixture.mediaDir),
    staticDir: fixture.staticDir,
  });
});
afterAll(async () => {
  await server.close();
  fixture.cleanup();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(server.port, { path, headers });

describe('GET /media/<kind>/<index>', () => {
  it('serves the bytes the service reads, revalidated by ETag', async () => {
    const res = await rawRequest(server.port, { path: '/media/thumb/0' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.bytes.equals(THUMB0)).toBe(true);
    const again = await get('/media/thumb/0', { 'If-None-Match': String(res.headers.etag) });
    expect(again.status).toBe(304);
    const image = await get('/media/image/0');
    expect(image.status).toBe(200);
    expect(image.headers.etag).not.toBe(res.headers.etag);
  });

  it('answers 404 not_found for an index the service does not have', async () => {
    const res = await get('/media/thumb/7');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no thumb for sample 7' } });
  });

  it.each([
    '/media/thumb/../x',
    '/media/thumb/../secret',
    '/media/thumb/%2e%2e/x',
    '/media/thumb/%2E%2E%2Fsecret',
    '/media/thumb/..%2fx',
    '/media/thumb/..%5csecret',
    '/media//etc/passwd',
    '/media/thumb//etc/passwd',
    '/media/thumb/%2fetc%2fpasswd',
    '/media/../../etc/passwd',
    '/media/%2e%2e/secret.png',
    '/media/thumb/-1',
    '/media/thumb/1.5',
    '/media/thumb/1e3',
    '/media/thumb/0x10',
    '/media/thumb/00',
    '/media/thumb/%30',
    '/media/thumb/99999999999999999999',
    '/media/thumb/9007199254740993',
    '/media/thumb/%00',
    '/media/thumb/0%00',
    '/media/thumb/0/extra',
    '/media/thumb/',
    '/media/other/0',
    '/media/THUMB/0',
    '/media',
  ])('refuses %s with 400 and no file content', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('invalid_input');
    expect(res.body).not.toContain(SECRET);
  });

  it('answers 405 for other methods', async () => {
    expect((await rawRequest(server.port, { path: '/media/thumb/0', method: 'DELETE' })).status).toBe(405);
  });
});

describe('static files', () => {
  it('serves index.html at / and for app routes without an extension (SPA fallback)', async () => {
    for (const path of ['/', '/index.html', '/review', '/review/12?x=1']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX_HTML);
    }
  });

  it('serves assets with their MIME type; hashed assets are immutable', async () => {
    const js = await get('/assets/app-abc.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe(APP_JS);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/style-abc.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml');
    expect((await get('/assets/tfjs-backend-wasm.wasm')).headers['content-type']).toBe('application/wasm');
    const head = await rawRequest(server.port, { path: '/assets/app-abc.js', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(APP_JS.length));
    expect(head.body).toBe('');
  });

  it('answers 404 for a missing file with an extension', async () => {
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/assets//app-abc.js',
    '/%00',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('refuses traversal %s with 400', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(SECRET);
  });

  it('does not follow a symlink out of the renderer folder', async () => {
    const res = await get('/leak.txt');
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
  });

  it('refuses an absolute-form request target', async () => {
    const res = await get('http://127.0.0.1/../secret.txt');
    expect(res.status).toBe(400);
  });

  it('answers 405 for POST on a static path', async () => {
    const res = await rawRequest(server.port, { path: '/', method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('startServer', () => {
  it('refuses to start without a built renderer, saying how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'relabel-norenderer-'));
    try {
      await expect(
        startServer({ service: createServiceTestDouble(empty), staticDir: join(empty, 'renderer') }),
      ).rejects.toThrow(/renderer not built: .*index\.html is missing; run npm run build/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
