#!/usr/bin/env node
// Runs the benchmarks in bench/ and leaves their tables in bench/results/*.md (copied into README.md by hand).
//   npm run bench                 all of them (about 30 min on 2 cores, plus many-classes: half an hour or more
//                                 per trained row and noise level on a loaded 2-core machine)
//   npm run bench -- find-issues  one of: find-issues, import, many-classes, train, train-fmnist, ui, saliency, server-lag,
//                                 dataset-health, health-quality (embeds 2,660 images: ~10 min on 2 cores), rounds
//                                 (cleaning rounds 1–3 with the simulated annotator on 10,000 Fashion-MNIST images,
//                                 10% and 20% flips: six cross-validation runs; resumable from /tmp), filters (every
//                                 issue filter on the two 2,000-image demo sets, baseline and pretrained: ~4 min)
//   npm run bench -- models       opt-in, hours on 2 cores: models (baseline/cnn/pretrained on the demo sets),
//                                 pretrained-100k (embedding 100,000 images; logistic regression on them), float16
//                                 (float16 vs float32 embeddings; needs python3-sklearn)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = [
  'find-issues',
  'import',
  'many-classes',
  'train',
  'train-fmnist',
  'ui',
  'saliency',
  'server-lag',
  'dataset-health',
  'health-quality',
  'rounds',
  'filters',
];
const optIn = ['models', 'pretrained-100k', 'float16'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
for (const name of chosen.length ? chosen : all) {
  const file = join(root, 'bench', `${name}.ts`);
  if (!existsSync(file)) {
    process.stderr.write(`bench: no bench/${name}.ts (choose from ${[...all, ...optIn].join(', ')})\n`);
    process.exit(1);
  }
  process.stderr.write(`\n== bench/${name}.ts\n`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [file, ...extra], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
