import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { INTERNAL_ERROR_MESSAGE, type Role } from '../../src-shared/api';
import {
  dispatchCall,
  httpStatusOf,
  isApiName,
  logToStderr,
  type InternalErrorLog,
} from '../transport/dispatch';
import {
  authenticate,
  hostForUrl,
  isAllowedHostHeader,
  isAllowedOrigin,
  isLoopbackHost,
  MIN_TOKEN_LENGTH,
  tokenCookie,
  type AccessTokens,
} from './auth';
import { securityHeaders } from '../transport/csp';
import { EventStreams, HEARTBEAT_MS, MAX_STREAM_BUFFER, MAX_STREAMS } from './events-route';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './json-body';
import { serveMedia } from './media-route';
import { HttpError, sendError, sendJson } from './respond';
import type { TransportService } from '../transport/service-port';
import { openStaticRoot, serveStatic, type StaticRoot } from './static-files';

export interface ServerOptions {
  service: TransportService;
  /** Default 127.0.0.1. Any other than loopback needs tokens. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /**
   * The owner's and the annotators' tokens: every route then requires one (Bearer header, ?token= or the
   * cookie set by the first page load), and the token decides the caller's role. Without tokens (`--no-token`,
   * loopback only) every request acts as the owner.
   */
  tokens?: AccessTokens;
  /** The built renderer (out/renderer). */
  staticDir: string;
  bodyLimit?: number;
  heartbeatMs?: number;
  log?: InternalErrorLog;
  /** Connection limits (defaults: CONNECTION_LIMITS). */
  limits?: Partial<ConnectionLimits>;
}

/**
 * What one client may hold of the server: sized for a team of annotators (each browser tab keeps up to six
 * connections and one event stream), tight enough that idle or trickling connections cannot pile up.
 */
export interface ConnectionLimits {
  /** Sockets open at once; further ones are closed at once. */
  maxConnections: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveMs: number;
  /** The request line and headers must arrive within this (slowloris). */
  headersMs: number;
  /** The whole request, body included, must arrive within this. */
  requestMs: number;
  /** A socket with no traffic at all (event streams get a heartbeat) is closed after this. */
  idleMs: number;
  /** Event streams open at once. */
  maxStreams: number;
  /** Unread event bytes per stream before that client is dropped. */
  maxStreamBuffer: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 256,
  keepAliveMs: 5_000,
  headersMs: 10_000,
  requestMs: 30_000,
  idleMs: 60_000,
  maxStreams: MAX_STREAMS,
  maxStreamBuffer: MAX_STREAM_BUFFER,
};

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
  tokens: AccessTokens | undefined;
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
  const tokens = opts.tokens;
  if (tokens && (tokens.owner.length < MIN_TOKEN_LENGTH || tokens.annotator.length < MIN_TOKEN_LENGTH))
    throw new Error(`access tokens must have at least ${MIN_TOKEN_LENGTH} characters`);
  if (tokens && tokens.owner === tokens.annotator)
    throw new Error('the owner and annotator tokens must differ');
  if (!tokens && !isLoopbackHost(host))
    throw new Error(`serving on ${host} (not loopback) needs access tokens`);
  const root = openStaticRoot(opts.staticDir);
  const limits = { ...CONNECTION_LIMITS, ...opts.limits };
  const streams = new EventStreams(limits.maxStreamBuffer, limits.maxStreams);
  const ctx: Context = {
    service: opts.service,
    root,
    host,
    port: 0,
    tokens,
    checkHost: isLoopbackHost(host),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    heartbeatMs: opts.heartbeatMs ?? HEARTBEAT_MS,
    log: opts.log ?? logToStderr,
    streams,
    closing: false,
  };

  const server = createServer(
    {
      keepAliveTimeout: limits.keepAliveMs,
      headersTimeout: limits.headersMs,
      requestTimeout: limits.requestMs,
      // How often the two timeouts above are enforced.
      connectionsCheckingInterval: Math.min(1_000, limits.headersMs),
    },
    (req, res) => {
      handle(ctx, req, res).catch((e) => ctx.log(`${req.method} ${req.url}`, e));
    },
  );
  server.maxConnections = limits.maxConnections;
  server.timeout = limits.idleMs;
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
  if (!isAllowedOrigin(req.headers.origin, req.headers.host)) {
    throw new HttpError(403, 'forbidden', 'requests from another site are refused');
  }
  let role: Role = 'owner';
  let setCookie: Record<string, string> = {};
  if (ctx.tokens !== undefined) {
    const caller = authenticate(req, query, ctx.tokens);
    if (!caller) {
      throw new HttpError(401, 'unauthorized', 'a token is required: open the URL printed by relabel serve', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    role = caller.role;
    if (caller.via === 'query') setCookie = { 'Set-Cookie': tokenCookie(caller.token) };
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
    const outcome = await dispatchCall(ctx.service, name, input, role, ctx.log);
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
