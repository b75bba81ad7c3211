import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
export const INDEX_HTML =
  '<!doctype html><title>Relabel</title><script type="module" src="/assets/app-abc.js"></script>';
export const APP_JS = 'console.log("app")';
export const THUMB0 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

/**
 * A real folder tree: `<base>/renderer` (a small built renderer with a symlink leading outside),
 * `<base>/media/<kind>/<i>.png`, and secret files next to them that no request may read.
 */
export function makeServerFixture(): {
  base: string;
  staticDir: string;
  mediaDir: string;
  cleanup: () => void;
} {
  const base = mkdtempSync(join(tmpdir(), 'relabel-server-'));
  const staticDir = join(base, 'renderer');
  const mediaDir = join(base, 'media');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'assets', 'app-abc.js'), APP_JS);
  writeFileSync(join(staticDir, 'assets', 'style-abc.css'), 'body{}');
  writeFileSync(join(staticDir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(staticDir, 'assets', 'tfjs-backend-wasm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(base, 'secret.txt'), SECRET);
  symlinkSync(join(base, 'secret.txt'), join(staticDir, 'leak.txt'));
  mkdirSync(join(mediaDir, 'thumb'), { recursive: true });
  mkdirSync(join(mediaDir, 'image'), { recursive: true });
  writeFileSync(join(mediaDir, 'thumb', '0.png'), THUMB0);
  writeFileSync(join(mediaDir, 'image', '0.png'), Buffer.concat([THUMB0, THUMB0]));
  writeFileSync(join(mediaDir, 'secret.png'), SECRET);
  return { base, staticDir, mediaDir, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
