import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the built renderer (out/renderer) from the running file: bundled, the code lives in
 * out/main/cli.js or out/main/chunks/*.js (→ out/renderer); from source via tsx, in
 * <repo>/src-main/... (→ <repo>/out/renderer).
 */
export function findRendererDir(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidates = [join(dir, 'out', 'renderer')];
    if (basename(dir) === 'out') candidates.unshift(join(dir, 'renderer'));
    const found = candidates.find((c) => existsSync(join(c, 'index.html')));
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('renderer not built: run npm run build (no out/renderer/index.html found)');
}
