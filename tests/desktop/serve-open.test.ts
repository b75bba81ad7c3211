/** `relabel serve --open`: a browser opens after the URL line is out and the server answers, never without a display. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import {
  browserCommand,
  openInBrowser,
  writeRedirectPage,
  type OpenerDeps,
} from '../../src-main/cli/open-url';
import { Project } from '../../src-main/core/store/project';
import { makeServerFixture } from '../server/fixture';

function fakeDeps(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux', fail?: Error) {
  const spawned: { cmd: string; args: string[] }[] = [];
  const warnings: string[] = [];
  const deps: OpenerDeps = {
    env,
    platform,
    spawn: (cmd, args) => {
      spawned.push({ cmd, args });
      return { on: (_event, cb) => fail && cb(fail) };
    },
    warn: (l) => warnings.push(l),
  };
  return { deps, spawned, warnings };
}

const URL = 'http://127.0.0.1:5173/?token=a&b';

describe('openInBrowser', () => {
  it('does nothing without a display (ssh, containers)', () => {
    const f = fakeDeps({ DISPLAY: '', WAYLAND_DISPLAY: '' });
    expect(openInBrowser(URL, f.deps)).toEqual({
      opened: false,
      reason: expect.stringMatching(/no display/),
    });
    expect(f.spawned).toEqual([]);
  });

  it('opens with the platform opener where a display exists', () => {
    for (const env of [{ DISPLAY: ':0' }, { WAYLAND_DISPLAY: 'wayland-0' }]) {
      const f = fakeDeps(env);
      expect(openInBrowser(URL, f.deps)).toEqual({ opened: true, command: 'xdg-open' });
      expect(f.spawned).toEqual([{ cmd: 'xdg-open', args: [URL] }]);
    }
    expect(browserCommand(URL, 'darwin')).toEqual({ cmd: 'open', args: [URL] });
    // No shell on Windows: `&` in the query string must reach the browser intact.
    expect(browserCommand(URL, 'win32')).toEqual({
      cmd: 'rundll32',
      args: ['url.dll,FileProtocolHandler', URL],
    });
    const mac = fakeDeps({}, 'darwin');
    expect(openInBrowser(URL, mac.deps)).toMatchObject({ opened: true, command: 'open' });
  });

  it('says so when the opener cannot start', () => {
    const f = fakeDeps(
      { DISPLAY: ':0' },
      'linux',
      Object.assign(new Error('spawn xdg-open ENOENT'), { code: 'ENOENT' }),
    );
    openInBrowser(URL, f.deps);
    expect(f.warnings).toEqual([
      'relabel: could not start xdg-open (spawn xdg-open ENOENT); open the URL yourself',
    ]);
  });
});

describe('relabel serve --open as a real process, with a fake xdg-open on PATH', () => {
  let fixture: ReturnType<typeof makeServerFixture>;
  let projectPath: string;
  let binDir: string;

  beforeAll(() => {
    fixture = makeServerFixture();
    projectPath = join(fixture.base, 'p.relabel');
    Project.create(projectPath).close();
    binDir = join(fixture.base, 'bin');
    mkdirSync(binDir);
    // Records what serve had printed when it was started, and whether the server answered then.
    const opener = join(binDir, 'xdg-open');
    writeFileSync(
      opener,
      `#!${process.execPath}
const fs = require('node:fs');
const printed = fs.readFileSync(process.env.SERVE_STDOUT, 'utf8');
const arg = process.argv[2];
let url = arg, file = null, mode = null;
if (arg.startsWith('file:')) {
  file = require('node:url').fileURLToPath(arg);
  mode = fs.statSync(file).mode & 0o777;
  const page = fs.readFileSync(file, 'utf8');
  url = /content="0;url=([^"]*)"/.exec(page)[1].replace(/&#(\\d+);/g, (_, c) => String.fromCharCode(+c));
}
require('node:http').get(url, (res) => {
  fs.writeFileSync(process.env.OPENED, JSON.stringify({ arg, file, mode, url, printed, status: res.statusCode }));
  res.resume();
});
`,
    );
    chmodSync(opener, 0o755);
  });
  afterAll(() => fixture.cleanup());

  async function serveOpen(name: string, display: string, extra: string[] = []) {
    const stdoutFile = join(fixture.base, `${name}.out`);
    const opened = join(fixture.base, `${name}.opened`);
    const out = openSync(stdoutFile, 'w');
    let stderr = '';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/index.ts', 'serve', '--project', projectPath, '--open', ...extra],
      {
        env: {
          ...process.env,
          PATH: `${binDir}:${process.env.PATH}`,
          DISPLAY: display,
          WAYLAND_DISPLAY: '',
          RELABEL_RENDERER_DIR: fixture.staticDir,
          SERVE_STDOUT: stdoutFile,
          OPENED: opened,
        },
        stdio: ['ignore', out, 'pipe'],
      },
    );
    closeSync(out);
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 60_000;
    const until = async (done: () => boolean) => {
      while (!done()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return { child, exited, stdoutFile, opened, stderr: () => stderr, until };
  }

  it("opens the owner's link only after the links are out and the server answers, never on a command line", async () => {
    const s = await serveOpen('with-display', ':99');
    await s.until(() => existsSync(s.opened) && readFileSync(s.opened, 'utf8').length > 0);
    const printed = readFileSync(s.stdoutFile, 'utf8');
    const owner = /owner \(everything; keep it to yourself\): (\S+)/.exec(printed)![1];
    expect(owner).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const rec = JSON.parse(readFileSync(s.opened, 'utf8'));
    expect(rec).toMatchObject({ url: owner, printed, status: 200, mode: 0o600 });
    // What every local user can see in the process table: a private file, not the token.
    expect(rec.arg).toMatch(/^file:\/\//);
    expect(rec.arg).not.toContain(owner.split('token=')[1]);
    await s.until(() => /opened in your browser \(xdg-open\)/.test(s.stderr()));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(readFileSync(s.stdoutFile, 'utf8')).toBe(printed);
    expect(existsSync(rec.file)).toBe(false); // removed when the server stops
  });

  it('with --no-token (loopback) opens the plain URL', async () => {
    const s = await serveOpen('no-token', ':99', ['--no-token']);
    await s.until(() => existsSync(s.opened) && readFileSync(s.opened, 'utf8').length > 0);
    const line = readFileSync(s.stdoutFile, 'utf8');
    expect(line).toMatch(/^Relabel is serving http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(JSON.parse(readFileSync(s.opened, 'utf8'))).toMatchObject({
      arg: line.trim().replace('Relabel is serving ', ''),
      status: 200,
    });
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('never runs the opener without a display; the URL line is the same', async () => {
    const s = await serveOpen('no-display', '');
    await s.until(() => /not opening a browser: no display/.test(s.stderr()));
    expect(readFileSync(s.stdoutFile, 'utf8')).toMatch(
      /^Relabel is serving http:\/\/127\.0\.0\.1:\d+\/\n {2}owner/,
    );
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(existsSync(s.opened)).toBe(false);
  });
});

describe('writeRedirectPage', () => {
  it('writes a page only its user can read, escaping the link, and removes it', () => {
    const page = writeRedirectPage('http://127.0.0.1:1/?token=a&b"<x>');
    try {
      expect(statSync(page.path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(page.path)).mode & 0o777).toBe(0o700);
      const html = readFileSync(page.path, 'utf8');
      expect(html).toContain('url=http://127.0.0.1:1/?token=a&#38;b&#34;&#60;x&#62;"');
      expect(html).not.toMatch(/<x>/);
      expect(page.fileUrl).toBe(pathToFileURL(page.path).href);
    } finally {
      page.remove();
    }
    expect(existsSync(dirname(page.path))).toBe(false);
  });
});
