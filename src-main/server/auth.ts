import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

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

/** How a request proved it knows the token, or null when it did not. */
export type TokenSource = 'header' | 'query' | 'cookie';

export function authenticate(
  req: IncomingMessage,
  query: URLSearchParams,
  token: string,
): TokenSource | null {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m && tokensEqual(m[1], token)) return 'header';
  }
  const fromQuery = query.get('token');
  if (fromQuery !== null && tokensEqual(fromQuery, token)) return 'query';
  const fromCookie = parseCookies(req.headers.cookie).get(TOKEN_COOKIE);
  if (fromCookie !== undefined && tokensEqual(fromCookie, token)) return 'cookie';
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
