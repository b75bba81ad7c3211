import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import {
  appCsp,
  appLocation,
  appUrl,
  hardenedWebPreferences,
  isAllowedNavigation,
  isAppUrl,
  isTrustedSender,
  parseMediaUrl,
  projectArg,
  startupProject,
  withCspHeader,
} from '../../src-main/electron/policy';

const index = '/opt/Relabel/resources/app.asar/out/renderer/index.html';
const fileApp = appLocation(index, undefined);
const devApp = appLocation(index, 'http://localhost:5173/');
const indexUrl = pathToFileURL(index).href;

describe('app URLs', () => {
  it('file build: only the exact index.html, any hash or query', () => {
    expect(appUrl(fileApp)).toBe(indexUrl);
    for (const url of [
      indexUrl,
      `${indexUrl}#/review?help`,
      `${indexUrl}?x=1#/`,
      'file://localhost' + new URL(indexUrl).pathname,
    ]) {
      expect(isAppUrl(url, fileApp), url).toBe(true);
    }
    for (const url of [
      pathToFileURL('/opt/Relabel/resources/app.asar/out/renderer/other.html').href,
      pathToFileURL('/etc/passwd').href,
      `${indexUrl}/x`,
      'file://evil.example' + new URL(indexUrl).pathname,
      'http://localhost:5173/',
      'https://example.com/index.html',
      'relabel-media://thumb/1',
      'javascript:alert(1)',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url, fileApp), url).toBe(false);
    }
  });

  it('file build: a path that normalises onto index.html is the same page, a look-alike is not', () => {
    expect(isAppUrl(indexUrl.replace('/renderer/', '/renderer/assets/../'), fileApp)).toBe(true);
    expect(isAppUrl(indexUrl.replace('index.html', 'index.html.evil'), fileApp)).toBe(false);
    expect(isAppUrl(indexUrl.replace('index.html', 'index%2ehtml'), fileApp)).toBe(true);
  });

  it('dev server: its origin only', () => {
    expect(appUrl(devApp, '/review?help')).toBe('http://localhost:5173/#/review?help');
    expect(isAppUrl('http://localhost:5173/#/review', devApp)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devApp)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', devApp)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.example/', devApp)).toBe(false);
    expect(isAppUrl(indexUrl, devApp)).toBe(false);
    expect(() => appLocation(index, 'file:///x')).toThrow(/dev server URL must be http/);
  });

  it('the help route is a hash route of the app', () => {
    expect(appUrl(fileApp, '/review?help')).toBe(`${indexUrl}#/review?help`);
  });
});

describe('isTrustedSender', () => {
  it('accepts our app in the main frame only', () => {
    expect(isTrustedSender(indexUrl, true, fileApp)).toBe(true);
    expect(isTrustedSender(indexUrl, false, fileApp)).toBe(false);
    expect(isTrustedSender('https://example.com/', true, fileApp)).toBe(false);
    expect(isTrustedSender(undefined, true, fileApp)).toBe(false);
    expect(isTrustedSender('about:blank', true, fileApp)).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', true, devApp)).toBe(true);
  });
});

describe('isAllowedNavigation', () => {
  it('allows in-app routes and refuses the rest', () => {
    expect(isAllowedNavigation(`${indexUrl}#/runs`, fileApp)).toBe(true);
    expect(isAllowedNavigation('https://evil.example/', fileApp)).toBe(false);
    expect(isAllowedNavigation(pathToFileURL('/home/me/dropped-image.png').href, fileApp)).toBe(false);
  });
});

describe('CSP', () => {
  it('adds the media scheme, and the dev server only in development', () => {
    const csp = appCsp(fileApp);
    expect(csp).toBe(
      "default-src 'self'; img-src 'self' data: blob: relabel-media:; style-src 'self' 'unsafe-inline'; " +
        "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(appCsp(devApp)).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173");
    expect(csp).not.toContain('localhost');
  });

  it('replaces any CSP a response carried, whatever its case, and keeps other headers', () => {
    const out = withCspHeader(
      {
        'content-security-policy': ['default-src *'],
        'CONTENT-SECURITY-POLICY': 'x',
        'Content-Type': 'text/html',
      },
      'default-src none',
    );
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ['default-src none'] });
    expect(withCspHeader(undefined, 'c')).toEqual({ 'Content-Security-Policy': ['c'] });
  });
});

describe('parseMediaUrl', () => {
  it('parses relabel-media://<kind>/<index>', () => {
    expect(parseMediaUrl('relabel-media://thumb/12')).toEqual({ kind: 'thumb', index: 12 });
    expect(parseMediaUrl('relabel-media://image/0')).toEqual({ kind: 'image', index: 0 });
    expect(parseMediaUrl('relabel-media://THUMB/3')).toEqual({ kind: 'thumb', index: 3 });
  });

  it.each([
    'relabel-media://thumb/../x',
    'relabel-media://thumb/%2e%2e/x',
    'relabel-media://thumb/..%2fx',
    'relabel-media://thumb/-1',
    'relabel-media://thumb/1.5',
    'relabel-media://thumb/1e3',
    'relabel-media://thumb/99999999999999999999',
    'relabel-media://thumb/%00',
    'relabel-media://thumb/01',
    'relabel-media://thumb/1/2',
    'relabel-media://thumb/',
    'relabel-media://other/1',
    'relabel-media://thumb:8080/1',
    'relabel-media://u:p@thumb/1',
    'relabel-media:///etc/passwd',
    'file:///etc/passwd',
    'https://thumb/1',
    'garbage',
  ])('refuses %s', (url) => {
    expect(parseMediaUrl(url)).toBeNull();
  });
});

describe('startup project', () => {
  it('reads --project P and --project=P', () => {
    expect(projectArg(['electron', 'out/main/index.js', '--project', '/p/a.relabel'])).toBe('/p/a.relabel');
    expect(projectArg(['Relabel', '--no-sandbox', '--project=/p/b.relabel'])).toBe('/p/b.relabel');
    expect(projectArg(['Relabel', '--project'])).toBeNull();
    expect(projectArg(['Relabel', '--project', '--other'])).toBeNull();
    expect(projectArg(['Relabel'])).toBeNull();
  });

  it('prefers the command line, then the last opened project if it still exists', () => {
    const exists = (p: string) => p === '/p/last.relabel';
    expect(startupProject(['x', '--project', '/p/a.relabel'], '/p/last.relabel', exists)).toEqual({
      path: '/p/a.relabel',
      from: 'argv',
    });
    expect(startupProject(['x'], '/p/last.relabel', exists)).toEqual({
      path: '/p/last.relabel',
      from: 'last',
    });
    expect(startupProject(['x'], '/p/gone.relabel', exists)).toBeNull();
    expect(startupProject(['x'], null, exists)).toBeNull();
  });
});

describe('hardenedWebPreferences', () => {
  it('isolates and sandboxes the renderer, without Node', () => {
    expect(hardenedWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});
