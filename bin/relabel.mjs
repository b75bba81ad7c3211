#!/usr/bin/env node
// The `relabel` command. Runs the built CLI (out/main/cli.js, made by `npm run build`); in a source checkout
// without a build it runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'main', 'cli.js');
const source = join(root, 'src-main', 'cli', 'index.ts');

let entry;
if (existsSync(built) && process.env.RELABEL_FROM_SOURCE !== '1') {
  entry = built;
} else if (existsSync(source)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write(
      'relabel: not built yet. Run `npm run setup` (or `npm run build`) in ' + root + '\n',
    );
    process.exit(1);
  }
  entry = source;
} else {
  process.stderr.write('relabel: out/main/cli.js is missing. Run `npm run build` in ' + root + '\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
