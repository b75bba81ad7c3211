import type { ApiEvent, ApiErrorBody, RelabelApi } from '../../../src-shared/api';
import { ApiError, type EventListener, type Transport } from './types';

const TOKEN_KEY = 'relabel.token';

/**
 * The access token of `relabel serve --token`: taken from `?token=` in the page URL (then removed from the
 * address bar so it is not copied around by accident), remembered for this tab in sessionStorage.
 */
export function readToken(
  loc: Location = window.location,
  storage: Storage = window.sessionStorage,
): string | null {
  const params = new URLSearchParams(loc.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      storage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    params.delete('token');
    const query = params.toString();
    history.replaceState(history.state, '', `${loc.pathname}${query ? `?${query}` : ''}${loc.hash}`);
    return fromUrl;
  }
  try {
    return storage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function withToken(url: string, token: string | null): string {
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's error page): fall back to the status line.
  }
  const error = (body as Partial<ApiErrorBody> | null)?.error;
  if (error && typeof error.message === 'string') return new ApiError(error.code ?? 'failed', error.message);
  return new ApiError('failed', `the server answered ${res.status} ${res.statusText}`.trim());
}

/** One EventSource shared by all listeners, reopened with back-off whenever the browser gives up on it. */
class EventStream {
  private readonly listeners = new Set<EventListener>();
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = 1000;

  constructor(private readonly url: string) {}

  add(listener: EventListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.open();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  private open(): void {
    const source = new EventSource(this.url);
    this.source = source;
    source.onopen = () => {
      this.retryMs = 1000;
    };
    source.onmessage = (message) => {
      let event: ApiEvent;
      try {
        event = JSON.parse(message.data) as ApiEvent;
      } catch {
        return;
      }
      for (const listener of [...this.listeners]) listener(event);
    };
    source.onerror = () => {
      // While CONNECTING the browser retries by itself; CLOSED means it gave up (e.g. the server restarted
      // and answered an error), so we reconnect ourselves.
      if (source.readyState !== EventSource.CLOSED) return;
      source.close();
      if (this.source !== source) return;
      this.source = null;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (this.listeners.size > 0) this.open();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15_000);
    };
  }

  private close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.source = null;
  }
}

/** `relabel serve`: POST /api/<name> with a JSON body, events from GET /api/events, media from /media/. */
export function createHttpTransport(token: string | null = readToken()): Transport {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;

  const call = async (name: string, input: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`/api/${name}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
    } catch {
      throw new ApiError('failed', 'cannot reach the Relabel server: is `relabel serve` still running?');
    }
    if (!res.ok) throw await errorOf(res);
    return res.json();
  };

  const api = new Proxy({} as RelabelApi, {
    get: (_target, name) =>
      // Not a thenable, and no symbol lookups: only string names are API calls.
      typeof name !== 'string' || name === 'then' ? undefined : (input: unknown) => call(String(name), input),
  });
  const events = new EventStream(withToken('/api/events', token));
  return {
    api,
    subscribe: (listener) => events.add(listener),
    mediaUrl: (kind, index) => withToken(`/media/${kind}/${index}`, token),
    kind: 'http',
    // keepalive: the browser finishes the request after the page is gone.
    sendOnExit: (name, input) =>
      void fetch(`/api/${name}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(input),
        keepalive: true,
      }).catch(() => undefined),
  };
}
