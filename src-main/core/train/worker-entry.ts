import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * How to start the worker process `<name>.ts`, a module next to the caller (`callerUrl`, its
 * import.meta.url): from TypeScript through tsx while running from source, or the bundled
 * `out/main/<name>.js` (next to the calling chunk or one folder up) in a build. The URL is passed in a
 * variable on purpose: Vite would turn `new URL('literal', import.meta.url)` into an asset.
 */
export function workerEntryFor(name: string, callerUrl: string): { file: string; execArgv: string[] } {
  if (callerUrl.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(callerUrl).resolve('tsx')).href;
    return { file: fileURLToPath(new URL(`./${name}.ts`, callerUrl)), execArgv: ['--import', tsx] };
  }
  for (const rel of [`./${name}.js`, `../${name}.js`]) {
    const file = fileURLToPath(new URL(rel, callerUrl));
    if (existsSync(file)) return { file, execArgv: [] };
  }
  throw new Error(`worker ${name}.js not found next to ${fileURLToPath(callerUrl)} or its parent folder`);
}
