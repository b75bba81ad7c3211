import { createReadStream, existsSync, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { HttpError } from './respond';

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function mimeTypeOf(path: string): string {
  return mimeTypes[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The built renderer folder, checked once at start-up. */
export interface StaticRoot {
  dir: string;
  realDir: string;
}

export function openStaticRoot(staticDir: string): StaticRoot {
  const dir = resolve(staticDir);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`renderer not built: ${join(dir, 'index.html')} is missing; run npm run build`);
  }
  return { dir, realDir: realpathSync(dir) };
}

/**
 * Turns a raw request path into decoded path segments, refusing anything that could leave the root
 * ("..", ".", encoded slashes or backslashes, NUL) rather than trying to normalise it.
 */
export function safeSegments(rawPath: string): string[] {
  const raw = rawPath.split('/').slice(1);
  // Only a trailing empty segment ("/", "/dir/") is allowed; "//x" and "/a//b" are refused.
  if (raw.slice(0, -1).includes('')) throw new HttpError(400, 'invalid_input', 'path not allowed');
  return raw
    .filter((seg) => seg !== '')
    .map((seg) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        throw new HttpError(400, 'invalid_input', 'malformed URL encoding');
      }
      if (decoded === '..' || decoded === '.' || /[/\\\0]/.test(decoded)) {
        throw new HttpError(400, 'invalid_input', 'path not allowed');
      }
      return decoded;
    });
}

const within = (root: string, p: string) => p === root || p.startsWith(root + sep);

async function fileInRoot(root: StaticRoot, segments: string[]): Promise<string | null> {
  let candidate = resolve(root.dir, ...segments);
  if (!within(root.dir, candidate)) throw new HttpError(400, 'invalid_input', 'path not allowed');
  try {
    if ((await stat(candidate)).isDirectory()) candidate = join(candidate, 'index.html');
    const real = await realpath(candidate);
    // A symlink inside the folder must not lead outside it.
    if (!within(root.realDir, real)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built renderer. Unknown paths without a file extension get index.html (the app routes
 * itself), unknown files get 404.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: StaticRoot,
  rawPath: string,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const segments = safeSegments(rawPath);
  let file = await fileInRoot(root, segments);
  if (!file) {
    const last = segments.at(-1) ?? '';
    if (extname(last) !== '') throw new HttpError(404, 'not_found', 'no such file');
    file = await fileInRoot(root, ['index.html']);
    if (!file) throw new HttpError(404, 'not_found', 'index.html is missing from the renderer build');
  }
  const info = await stat(file);
  // Vite's hashed assets never change under the same name; everything else is revalidated.
  const immutable = segments[0] === 'assets' && file !== join(root.realDir, 'index.html');
  res.writeHead(200, {
    ...extraHeaders,
    'Content-Type': mimeTypeOf(file),
    'Content-Length': info.size,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((resolveDone, reject) => {
    const stream = createReadStream(file);
    stream.once('error', reject);
    res.once('close', () => {
      stream.destroy();
      resolveDone();
    });
    stream.pipe(res);
  });
}
