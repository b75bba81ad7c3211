import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { INTERNAL_ERROR_MESSAGE } from '../../src-shared/api';
import {
  dispatchCall,
  httpStatusOf,
  isApiName,
  logToStderr,
  type InternalErrorLog,
} from '../transport/dispatch';
import { authenticate, hostForUrl, isAllowedHostHeader, isLoopbackHost, tokenCookie } from './auth';
import { securityHeaders } from '../transport/csp';
import { EventStreams, HEARTBEAT_MS } from './events-route';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './json-body';
import { serveMedia } from './media-route';
import { HttpError, sendError, sendJson } from './respond';
import type { TransportService } from '../transport/service-port';
import { openStaticRoot, serveStatic, type StaticRoot } from './static-files';

export interface ServerOptions {
  service: TransportService;
  /** Default 127.0.0.1. Any other than loopback should come with a token. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** When set, every route requires it (Bearer header, ?token= or the cookie set by the index page). */
  token?: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  bodyLimit?: number;
  heartbeatMs?: number;
  log?: InternalErrorLog;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Context {
  service: TransportService;
  root: StaticRoot;
  host: string;
  port: number;
  token: string | undefined;
  checkHost: boolean;
  bodyLimit: number;
  heartbeatMs: number;
  log: InternalErrorLog;
  streams: EventStreams;
  closing: boolean;
}

/** The `relabel serve` HTTP transport: the same API as Electron's IPC, over node:http. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.token !== undefined && opts.token.length < 16)
    throw new Error('the access token must have at least 16 characters');
  const root = openStaticRoot(opts.staticDir);
  const streams = new EventStreams();
  const ctx: Context = {
    service: opts.service,
    root,
    host,
    port: 0,
    token: opts.token,
    checkHost: isLoopbackHost(host),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS,
    log: opts.log ?? logToStderr,
    streams,
    closing: false,
  };

  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((e) => ctx.log(`${req.method} ${req.url}`, e));
  });
  // Malformed HTTP never reaches the handler; answer it with the same headers anyway.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const headers = Object.entries(securityHeaders)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 400 Bad Request\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ctx.port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${hostForUrl(host)}:${ctx.port}/`,
    port: ctx.port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        ctx.closing = true;
        server.close(() => resolve());
        streams.closeAll();
        server.closeIdleConnections();
        // Requests still running after a grace period are cut off.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      })),
  };
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
  try {
    await route(ctx, req, res);
  } catch (e) {
    if (res.headersSent) return void res.destroy();
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, e.headers);
    ctx.log(`${req.method} ${req.url}`, e);
    sendError(res, 500, 'failed', INTERNAL_ERROR_MESSAGE);
  }
}

async function route(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (ctx.closing) {
    throw new HttpError(503, 'failed', 'the server is shutting down', { Connection: 'close' });
  }
  const url = req.url ?? '';
  if (!url.startsWith('/')) throw new HttpError(400, 'invalid_input', 'request target must be a path');
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));

  if (ctx.checkHost && !isAllowedHostHeader(req.headers.host, ctx.host, ctx.port)) {
    throw new HttpError(
      403,
      'unauthorized',
      'unexpected Host header (open the URL printed by relabel serve)',
    );
  }
  let setCookie: Record<string, string> = {};
  if (ctx.token !== undefined) {
    const via = authenticate(req, query, ctx.token);
    if (!via) {
      throw new HttpError(401, 'unauthorized', 'a token is required: open the URL printed by relabel serve', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (via === 'query') setCookie = { 'Set-Cookie': tokenCookie(ctx.token) };
  }

  if (rawPath === '/api/events') {
    allowMethods(req, ['GET']);
    return ctx.streams.serve(req, res, ctx.service, ctx.heartbeatMs);
  }
  if (rawPath === '/api' || rawPath.startsWith('/api/')) {
    const name = rawPath.slice('/api/'.length);
    if (!isApiName(name)) throw new HttpError(404, 'not_found', 'no such API call');
    allowMethods(req, ['POST']);
    const input = await readJsonBody(req, ctx.bodyLimit);
    const outcome = await dispatchCall(ctx.service, name, input, ctx.log);
    if (outcome.ok) return sendJson(res, 200, outcome.value ?? null);
    return sendError(res, httpStatusOf(outcome.error.code), outcome.error.code, outcome.error.message);
  }
  if (rawPath === '/media' || rawPath.startsWith('/media/')) {
    allowMethods(req, ['GET', 'HEAD']);
    return serveMedia(req, res, ctx.service, rawPath, ctx.log);
  }
  allowMethods(req, ['GET', 'HEAD']);
  return serveStatic(req, res, ctx.root, rawPath, setCookie);
}

function allowMethods(req: IncomingMessage, methods: string[]): void {
  if (!methods.includes(req.method ?? '')) {
    throw new HttpError(405, 'invalid_input', `use ${methods.join(' or ')}`, { Allow: methods.join(', ') });
  }
}
