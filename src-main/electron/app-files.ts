import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppFiles {
  /** out/preload/index.cjs */
  preload: string;
  /** out/renderer/index.html */
  rendererIndex: string;
}

/**
 * The built preload and renderer, found from the running main bundle (out/main/index.js, or a chunk
 * under out/main/chunks/; inside app.asar when packaged) by walking up to the `out` folder.
 */
export function findAppFiles(opts: { needRenderer: boolean }, fromUrl: string = import.meta.url): AppFiles {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const out = basename(dir) === 'out' ? dir : join(dir, 'out');
    const files = {
      preload: join(out, 'preload', 'index.cjs'),
      rendererIndex: join(out, 'renderer', 'index.html'),
    };
    // In development the renderer comes from the Vite dev server and is not built.
    if (existsSync(files.preload) && (!opts.needRenderer || existsSync(files.rendererIndex))) return files;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    'the app is not built (out/preload/index.cjs and out/renderer/index.html): run npm run build',
  );
}
