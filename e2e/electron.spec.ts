/**
 * The packaged shape of the app: Electron main (out/main/index.js) + sandboxed preload + built renderer,
 * on a real project. Needs `npm run build` and an installed Electron binary.
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ApiEvent, ProjectInfo } from '../src-shared/api';
import { reviewFlow } from './flows';

function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as string;
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

test.skip(
  electronBinary() === null,
  'Electron binary not available on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD); run where Electron is installed',
);

/** What the preload exposes, as seen from the page (declared locally: the renderer owns the global type). */
interface RelabelBridge {
  call(name: string, input: unknown): Promise<unknown>;
  subscribe(listener: (e: ApiEvent) => void): () => void;
}
type WithBridge = { relabel: RelabelBridge };

let workDir: string;
let projectPath: string;
let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  if (!existsSync('out/main/index.js') || !existsSync('out/renderer/index.html')) {
    throw new Error('the app is not built: run npm run build before the e2e tests');
  }
  // Electron's main process opens the project with the Electron-ABI better-sqlite3 (native/): make it if missing.
  const sqlite = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/desktop/main.ts', 'ensure-sqlite'],
    {
      encoding: 'utf8',
    },
  );
  if (sqlite.status !== 0) throw new Error(`no better-sqlite3 build for Electron:\n${sqlite.stderr}`);
  workDir = mkdtempSync(join(tmpdir(), 'relabel-e2e-electron-'));
  projectPath = execFileSync('npx', ['tsx', 'e2e/electron-project.ts', workDir], { encoding: 'utf8' }).trim();
  app = await electron.launch({ args: ['out/main/index.js', '--project', projectPath] });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('main process: hardened window, media protocol, single instance', async () => {
  const facts = await app.evaluate(async ({ app: electronApp, BrowserWindow, session }) => {
    const [win] = BrowserWindow.getAllWindows();
    // Undocumented in recent Electron, but still the only way to read them back; checked when present.
    const contents = win.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> };
    return {
      windows: BrowserWindow.getAllWindows().length,
      url: win.webContents.getURL(),
      prefs: contents.getLastWebPreferences?.() ?? null,
      mediaHandled: session.defaultSession.protocol.isProtocolHandled('relabel-media'),
      singleInstance: electronApp.hasSingleInstanceLock(),
    };
  });
  expect(facts.windows).toBe(1);
  expect(facts.url).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html/);
  expect(facts.mediaHandled).toBe(true);
  expect(facts.singleInstance).toBe(true);
  if (facts.prefs) {
    expect(facts.prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  }
});

test('renderer: no Node, only window.relabel { call, subscribe }, CSP blocks inline script', async () => {
  const facts = await page.evaluate(() => {
    const inline = document.createElement('script');
    inline.textContent = 'window.__inlineRan = true';
    document.head.appendChild(inline);
    let evalAllowed = true;
    try {
      (0, eval)('1');
    } catch {
      evalAllowed = false;
    }
    return {
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      bridgeKeys: Object.keys((window as unknown as WithBridge).relabel).sort(),
      inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
      evalAllowed,
      opened: window.open('https://example.com/') !== null,
    };
  });
  expect(facts).toEqual({
    require: 'undefined',
    process: 'undefined',
    bridgeKeys: ['call', 'subscribe'],
    inlineRan: false,
    evalAllowed: false,
    opened: false,
  });
});

test('every http response gets the CSP header from the session', async () => {
  // A page served WITHOUT any CSP: the session's onHeadersReceived must add ours (no inline script).
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><script>window.inlineRan = true</script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const inlineRan = await app.evaluate(async ({ BrowserWindow }, target) => {
      const probe = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true },
      });
      try {
        await probe.loadURL(target);
        return await probe.webContents.executeJavaScript('window.inlineRan === true');
      } finally {
        probe.destroy();
      }
    }, url);
    expect(inlineRan).toBe(false);
  } finally {
    server.close();
  }
});

test('navigation away from the app is refused', async () => {
  const before = page.url();
  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
});

test('the shared review flow (keyboard, filters, bulk) runs in the desktop app', async () => {
  const expected = await reviewFlow(page);
  expect(expected.size).toBeGreaterThan(0);
});

test('review flow over IPC: project info, media, a decision with its event, undo', async () => {
  const info = (await page.evaluate(() =>
    (window as unknown as WithBridge).relabel.call('projectInfo', {}),
  )) as ProjectInfo;
  expect(info.issueSet?.count ?? 0).toBeGreaterThan(0);

  const thumbWidth = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve(img.naturalWidth);
        img.onerror = () => reject(new Error('relabel-media thumbnail did not load'));
        img.src = 'relabel-media://thumb/0';
      }),
  );
  expect(thumbWidth).toBeGreaterThan(0);

  const result = await page.evaluate(async () => {
    const relabel = (window as unknown as WithBridge).relabel;
    const issues = (await relabel.call('getIssues', { limit: 1 })) as { issues: { sampleIndex: number }[] };
    const index = issues.issues[0].sampleIndex;
    const events: ApiEvent[] = [];
    const stop = relabel.subscribe((e) => events.push(e));
    await relabel.call('decide', { sampleIndices: [index], action: 'exclude' });
    await new Promise((r) => setTimeout(r, 200));
    stop();
    const undone = (await relabel.call('undo', {})) as { changed: number[] };
    const refused = await relabel
      .call('decide', { sampleIndices: [index], action: 'relabel' })
      .catch((e) => e);
    return { index, events, undone: undone.changed, refused };
  });
  expect(result.events).toContainEqual({ type: 'decisions', sampleIndices: [result.index] });
  expect(result.undone).toEqual([result.index]);
  expect(result.refused).toMatchObject({ code: 'invalid_input' });
});
