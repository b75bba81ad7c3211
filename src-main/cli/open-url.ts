import { spawn as nodeSpawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasDisplay } from '../core/system/display';

export interface OpenerDeps {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  spawn: (cmd: string, args: string[]) => { on(event: 'error', cb: (e: Error) => void): unknown };
  /** Where a failure to start the opener is reported (it fails asynchronously). */
  warn: (line: string) => void;
}

/** The platform's "open with the default application" command for a URL. */
export function browserCommand(url: string, platform: NodeJS.Platform): { cmd: string; args: string[] } {
  if (platform === 'darwin') return { cmd: 'open', args: [url] };
  // rundll32 hands the URL to the default browser without a shell, so `&` in a query string stays intact.
  if (platform === 'win32') return { cmd: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { cmd: 'xdg-open', args: [url] };
}

const realDeps: OpenerDeps = {
  env: process.env,
  platform: process.platform,
  spawn: (cmd, args) => {
    const child = nodeSpawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.unref();
    return child;
  },
  warn: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Opens `url` in the user's default browser, as Jupyter does; nothing at all where no window can open
 * (an ssh session, a container), where the printed URL is the way in.
 */
export function openInBrowser(
  url: string,
  deps: OpenerDeps = realDeps,
): { opened: true; command: string } | { opened: false; reason: string } {
  if (!hasDisplay(deps.env, deps.platform)) {
    return { opened: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  const { cmd, args } = browserCommand(url, deps.platform);
  deps
    .spawn(cmd, args)
    .on('error', (e) => deps.warn(`relabel: could not start ${cmd} (${e.message}); open the URL yourself`));
  return { opened: true, command: cmd };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A page that sends the browser on to `url`, in a folder only this user can read. The opener's command line is
 * visible to every local user (the process table), so a link with a token is handed over as this file instead,
 * as Jupyter does. `remove` deletes it (the server's shutdown).
 */
export function writeRedirectPage(
  url: string,
  dir = tmpdir(),
): { fileUrl: string; path: string; remove(): void } {
  const folder = mkdtempSync(join(dir, 'relabel-open-')); // mode 0700
  const path = join(folder, 'open.html');
  const href = escapeHtml(url);
  writeFileSync(
    path,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${href}"><title>Relabel</title>` +
      `<p><a href="${href}">Open Relabel</a></p>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return {
    fileUrl: pathToFileURL(path).href,
    path,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
