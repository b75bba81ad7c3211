/**
 * The security decisions of the Electron shell as plain functions (no Electron import), so they are
 * unit-tested: which URLs are "our app", who may call the API, which navigations are allowed, the CSP,
 * and how media URLs are parsed.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MediaKind } from '../../src-shared/api';
import { buildCsp } from '../transport/csp';
import { parseMediaSegments } from '../transport/media-request';

export const MEDIA_SCHEME = 'relabel-media';
export { CALL_CHANNEL, EVENT_CHANNEL } from '../../src-preload/channels';

/** Where the renderer is loaded from: the built index.html, or (development only) the Vite dev server. */
export type AppLocation = { kind: 'file'; indexPath: string } | { kind: 'dev'; origin: string; url: string };

export function appLocation(rendererIndexPath: string, devServerUrl: string | undefined): AppLocation {
  if (devServerUrl) {
    const url = new URL(devServerUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`dev server URL must be http(s): ${devServerUrl}`);
    return { kind: 'dev', origin: url.origin, url: url.href };
  }
  return { kind: 'file', indexPath: rendererIndexPath };
}

/** The URL the window loads, optionally with an in-app route (hash routing: `#/review?help`). */
export function appUrl(location: AppLocation, hashRoute = ''): string {
  const base = location.kind === 'dev' ? location.url : pathToFileURL(location.indexPath).href;
  return hashRoute ? `${base.split('#')[0]}#${hashRoute}` : base;
}

/** Is `url` a page of our app? file: the exact index.html (any hash/query); dev: the dev server's origin. */
export function isAppUrl(url: string, location: AppLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev') return parsed.origin === location.origin;
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false;
  try {
    return fileURLToPath(parsed) === location.indexPath;
  } catch {
    return false;
  }
}

/** Only our app's top-level page may use the API (no iframes, no other page that got loaded somehow). */
export function isTrustedSender(
  frameUrl: string | undefined,
  isMainFrame: boolean,
  location: AppLocation,
): boolean {
  return isMainFrame && typeof frameUrl === 'string' && isAppUrl(frameUrl, location);
}

/** Navigation stays inside the app (hash routes); everything else (links, drag-and-drop of files) is refused. */
export function isAllowedNavigation(targetUrl: string, location: AppLocation): boolean {
  return isAppUrl(targetUrl, location);
}

/** The renderer runs isolated and sandboxed, without Node; it reaches the main side only via the preload. */
export function hardenedWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export function appCsp(location: AppLocation): string {
  return buildCsp({
    mediaScheme: MEDIA_SCHEME,
    devServerOrigin: location.kind === 'dev' ? location.origin : undefined,
  });
}

/** Response headers with our CSP replacing any the response carried (header names are case-insensitive). */
export function withCspHeader(
  headers: Record<string, string[] | string> | undefined,
  csp: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** `relabel-media://<kind>/<index>` → what to read, or null for anything else. */
export function parseMediaUrl(url: string): { kind: MediaKind; index: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:` || parsed.username || parsed.password || parsed.port)
    return null;
  const m = /^\/([^/]+)$/.exec(parsed.pathname);
  // Chromium lowercases the host of a standard scheme; Node's URL (used in tests) keeps it as written.
  return m ? parseMediaSegments(parsed.hostname.toLowerCase(), m[1]) : null;
}

/** `--project P` or `--project=P` from the command line (Electron passes its own flags too). */
export function projectArg(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--project') return argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : null;
    if (arg.startsWith('--project=')) return arg.slice('--project='.length) || null;
  }
  return null;
}

/** Which project to open at start-up: the command line wins, then the last opened one if it still exists. */
export function startupProject(
  argv: readonly string[],
  lastOpened: string | null,
  exists: (path: string) => boolean,
): { path: string; from: 'argv' | 'last' } | null {
  const fromArgv = projectArg(argv);
  if (fromArgv) return { path: fromArgv, from: 'argv' };
  if (lastOpened && exists(lastOpened)) return { path: lastOpened, from: 'last' };
  return null;
}
