#!/usr/bin/env node
// Runs the benchmarks in bench/ and leaves their tables in bench/results/*.md (copied into README.md by hand).
//   npm run bench                 all of them (about 30 min on 2 cores)
//   npm run bench -- find-issues  one of: find-issues, import, train, train-fmnist, ui, saliency, server-lag
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = ['find-issues', 'import', 'train', 'train-fmnist', 'ui', 'saliency', 'server-lag'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
for (const name of chosen.length ? chosen : all) {
  const file = join(root, 'bench', `${name}.ts`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: no bench/${name}.ts (choose from ${all.join(', ')})\n`);
    process.exit(1);
  }
  process.stderr.write(`\n== bench/${name}.ts\n`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [file, ...extra], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
