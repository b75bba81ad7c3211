/**
 * What storing embeddings as float16 costs in quality. Relabel stores every image's MobileNetV2 embedding as
 * float16 (half the size of float32: 358 MB instead of 717 MB for 100,000 images) and its logistic regression
 * reads them as such. Here the same images are embedded once in float32 (in this process, the bundled backbone,
 * wasm), then the reference logistic regression (scikit-learn, bench/float16_reference.py: standardised
 * features, C chosen by inner 3-fold CV on each outer fold's training rows, the same C grid, 5 stratified folds)
 * is fitted on the float32 features and on the same features rounded to float16. Both out-of-fold probability
 * sets are ranked by Relabel's confident learning with the default filter and scored against noise_truth.txt.
 *
 *   npx tsx bench/float16.ts [--count 2000] [--source fashion-mnist|procedural] [--keep]
 * Table: bench/results/float16.md. Needs python3 with numpy and scikit-learn (Debian python3-sklearn).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultFilterBy } from '../src-shared/domain';
import { findLabelIssues } from '../src-main/core/clean';
import { type DemoSource } from '../src-main/core/dataset/demo';
import { Backbone } from '../src-main/core/features/backbone';
import { defaultBackbone } from '../src-main/core/features/backbone-spec';
import { C_GRID, INNER_FOLDS } from '../src-main/core/features/logistic-cv';
import { decodeFloat16, encodeFloat16 } from '../src-main/core/features/float16';
import { Project } from '../src-main/core/store/project';
import { selectBackend } from '../src-main/core/train/backend';
import { benchLog, demoProject, loadNow } from './common';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    source: { type: 'string', default: 'fashion-mnist' },
    keep: { type: 'boolean', default: false },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const count = Number(values.count);
const source = values.source as DemoSource;
const work = mkdtempSync(join(tmpdir(), 'relabel-bench-float16-'));
const log = benchLog('float16');

// The Debian python3 (python3-sklearn) first: a `python3` on PATH may be another interpreter without it.
const python = ['/usr/bin/python3', 'python3'].find((p) => {
  try {
    execFileSync(p, ['-c', 'import sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!python) throw new Error('no python3 with scikit-learn (apt-get install -y python3-sklearn)');

const demo = await demoProject(join(work, 'data'), join(work, 'p.relabel'), {
  source,
  count,
  seed: 1,
  noise: 0.1,
});
const truth = demo.flipped;
const project = Project.open(demo.project);
const info = project.requireDataset();
const labels = project.getGivenLabels();
const per = info.inputHeight * info.inputWidth * info.channels;
const pixels = new Uint8Array(info.numSamples * per);
project.forEachSamplePixels((i, px) => pixels.set(px, i * per));
const numClasses = project.getClasses().length;
project.close();

log(`embedding ${count} images in float32 (load ${loadNow()})`);
const { tf, name } = await selectBackend('wasm');
const spec = defaultBackbone(count);
const backbone = await Backbone.load(tf, spec);
const t0 = Date.now();
const f32 = new Float32Array(count * backbone.dim);
for (let from = 0; from < count; from += 32) {
  const n = Math.min(32, count - from);
  const px = pixels.subarray(from * per, (from + n) * per);
  f32.set(backbone.embed(px, n, info.inputHeight, info.inputWidth, info.channels), from * backbone.dim);
}
const embedSeconds = (Date.now() - t0) / 1000;
const f16 = decodeFloat16(encodeFloat16(f32));
let maxAbs = 0;
let maxValue = 0;
for (let i = 0; i < f32.length; i++) {
  maxAbs = Math.max(maxAbs, Math.abs(f32[i] - f16[i]));
  maxValue = Math.max(maxValue, f32[i]);
}
writeFileSync(join(work, 'f32.bin'), Buffer.from(f32.buffer));
writeFileSync(join(work, 'f16.bin'), Buffer.from(Float32Array.from(f16).buffer));
writeFileSync(join(work, 'labels.txt'), Array.from(labels).join('\n') + '\n');

log(`reference logistic regression on both (load ${loadNow()})`);
const t1 = Date.now();
execFileSync(
  python,
  [
    join(here, 'float16_reference.py'),
    work,
    String(backbone.dim),
    String(numClasses),
    C_GRID.join(','),
    String(INNER_FOLDS),
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const lrSeconds = (Date.now() - t1) / 1000;

const readProbs = (file: string) =>
  Float64Array.from(readFileSync(join(work, file), 'utf8').trim().split(/\s+/).map(Number));
const filterBy = defaultFilterBy(numClasses);
const score = (probs: Float64Array) => {
  const flagged = Array.from(
    findLabelIssues(labels, probs, numClasses, { filterBy, rankedBy: 'self_confidence' }),
  );
  const hits = flagged.filter((i) => truth.has(i)).length;
  return { flagged, precision: hits / flagged.length, recall: hits / truth.size };
};
const p32 = readProbs('probs-f32.txt');
const p16 = readProbs('probs-f16.txt');
const s32 = score(p32);
const s16 = score(p16);
let maxProbDiff = 0;
for (let i = 0; i < p32.length; i++) maxProbDiff = Math.max(maxProbDiff, Math.abs(p32[i] - p16[i]));
const both = s32.flagged.filter((i) => s16.flagged.includes(i)).length;
const union = new Set([...s32.flagged, ...s16.flagged]).size;
const chosenC = readFileSync(join(work, 'chosen-c.txt'), 'utf8').trim().split('\n');

const f3 = (x: number) => x.toFixed(3);
const table = [
  `# float16 embeddings: quality against float32`,
  '',
  `${count.toLocaleString('en')} ${source === 'fashion-mnist' ? 'Fashion-MNIST (footwear vs rest)' : 'drawn-face'} demo images, 10% of labels flipped; ` +
    `bundled MobileNetV2 at ${spec.inputSize} px on ${name} (float32 embedding: ${embedSeconds.toFixed(0)} s, one process); ` +
    `reference logistic regression (scikit-learn, ${lrSeconds.toFixed(0)} s for both); issues: Relabel's ${filterBy}, ranked by self_confidence. ` +
    `Load average at the end: ${loadNow()}.`,
  '',
  '| features | C per fold | flagged | precision | recall |',
  '| --- | --- | --: | --: | --: |',
  `| float32 | ${chosenC[0]} | ${s32.flagged.length} | ${f3(s32.precision)} | ${f3(s32.recall)} |`,
  `| float16 (as stored) | ${chosenC[1]} | ${s16.flagged.length} | ${f3(s16.precision)} | ${f3(s16.recall)} |`,
  '',
  `- Largest feature value ${maxValue.toFixed(2)}; largest rounding error ${maxAbs.toExponential(2)} (float16 keeps 11 significant bits).`,
  `- Largest difference between the two runs' out-of-fold probabilities: ${maxProbDiff.toExponential(2)}.`,
  `- Flagged sets: ${both} in both, ${union - both} in only one of them.`,
  '',
].join('\n');
writeFileSync(join(here, 'results', 'float16.md'), table);
process.stdout.write(table);
if (!values.keep) rmSync(work, { recursive: true, force: true });
else log(`work files kept in ${work}`);
