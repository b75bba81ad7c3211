import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Role } from '../../src-shared/api';

export const TOKEN_COOKIE = 'relabel_token';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time string comparison (hashing first makes the lengths equal). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      if (name && !cookies.has(name)) cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A malformed cookie value is simply not a token.
    }
  }
  return cookies;
}

/** How a request proved it knows a token, or null when it did not. */
export type TokenSource = 'header' | 'query' | 'cookie';

/** The two links of a served project: the owner's token and the annotators' token. */
export interface AccessTokens {
  owner: string;
  annotator: string;
}

export const MIN_TOKEN_LENGTH = 16;

/** Which role's token the request carries (the owner's is tried first), and how; null when none. */
export function authenticate(
  req: IncomingMessage,
  query: URLSearchParams,
  tokens: AccessTokens,
): { role: Role; via: TokenSource; token: string } | null {
  const candidates: [TokenSource, string | undefined][] = [
    ['header', /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1]],
    ['query', query.get('token') ?? undefined],
    ['cookie', parseCookies(req.headers.cookie).get(TOKEN_COOKIE)],
  ];
  for (const [via, given] of candidates) {
    if (given === undefined) continue;
    // Both comparisons always run: the time taken does not tell which token was close.
    const owner = tokensEqual(given, tokens.owner);
    const annotator = tokensEqual(given, tokens.annotator);
    if (owner) return { role: 'owner', via, token: given };
    if (annotator) return { role: 'annotator', via, token: given };
  }
  return null;
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** `host` as it appears in a URL (IPv6 in brackets). */
export function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * DNS-rebinding guard for a loopback-bound server: a page on evil.example that resolves to 127.0.0.1
 * still sends `Host: evil.example`, so only loopback names with our port are accepted.
 */
export function isAllowedHostHeader(
  hostHeader: string | undefined,
  boundHost: string,
  port: number,
): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(hostHeader.trim());
  if (!m) return false;
  const name = m[1].toLowerCase();
  const givenPort = m[2] === undefined ? 80 : Number(m[2]);
  if (givenPort !== port) return false;
  const allowed = new Set(['localhost', '127.0.0.1', '[::1]', hostForUrl(boundHost).toLowerCase()]);
  return allowed.has(name);
}

/**
 * The request's `Origin`, when it has one, must be this server's own origin (the scheme and the Host the
 * browser used): a page of another site never reaches the API, the event stream or the media, whatever the
 * browser's own rules let through. Requests without an Origin (navigations, curl, same-origin GETs) pass.
 */
export function isAllowedOrigin(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (originHeader === undefined) return true;
  if (!hostHeader) return false;
  return originHeader.trim().toLowerCase() === `http://${hostHeader.trim().toLowerCase()}`;
}
