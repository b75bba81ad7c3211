/**
 * End-to-end label-noise detection on real images: Fashion-MNIST footwear vs other garments
 * (10,000 + 10,000 training images, 28×28), 10% of the labels flipped at random, 5-fold out-of-fold
 * probabilities from the training engine, then confident learning (findLabelIssues). Reports how many
 * flipped labels are found, the OOF accuracy against the true labels, and the time.
 *
 *   npx tsx bench/train-fmnist.ts [--count 20000] [--noise 0.1] [--epochs 15] [--model baseline] [--workers N]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CLEANLAB_DEFAULT_FILTER_BY,
  defaultFilterBy,
  type FilterBy,
  type ModelName,
} from '../src-shared/domain';
import { findLabelIssues } from '../src-main/core/clean';
import { readIdxFile } from '../src-main/core/dataset/idx-file';
import {
  argmaxRows,
  computeMetrics,
  crossValidate,
  defaultTrainConfig,
  type TrainingData,
} from '../src-main/core/train';
import { mulberry32, shuffleInPlace } from '../src-main/core/random/seeded';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    noise: { type: 'string', default: '0.1' },
    epochs: { type: 'string', default: '15' },
    model: { type: 'string', default: 'baseline' },
    workers: { type: 'string', default: String(availableParallelism()) },
    dir: {
      type: 'string',
      default: process.env.RELABEL_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
    },
  },
});
const FOOTWEAR = new Set([5, 7, 9]); // sandal, sneaker, ankle boot

async function loadBinaryTask(count: number): Promise<{ data: TrainingData; truth: Int32Array }> {
  const images = await readIdxFile(join(values.dir, 'train-images-idx3-ubyte.gz'), 3);
  const classes = await readIdxFile(join(values.dir, 'train-labels-idx1-ubyte.gz'), 1);
  const [n, h, w] = images.dims;
  const rng = mulberry32(1);
  const foot: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < n; i++) (FOOTWEAR.has(classes.data[i]) ? foot : rest).push(i);
  const half = count / 2;
  const chosen = shuffleInPlace(rng, [
    ...shuffleInPlace(rng, foot).slice(0, half),
    ...shuffleInPlace(rng, rest).slice(0, half),
  ]);
  const size = h * w;
  const pixels = new Uint8Array(count * size);
  const truth = new Int32Array(count);
  chosen.forEach((src, i) => {
    pixels.set(images.data.subarray(src * size, src * size + size), i * size);
    truth[i] = FOOTWEAR.has(classes.data[src]) ? 0 : 1;
  });
  return {
    data: { pixels, n: count, height: h, width: w, channels: 1, labels: truth.slice(), numClasses: 2 },
    truth,
  };
}

async function main() {
  const count = Number(values.count);
  const noise = Number(values.noise);
  const { data, truth } = await loadBinaryTask(count);
  const flipped = new Set(
    shuffleInPlace(
      mulberry32(2),
      Array.from({ length: count }, (_, i) => i),
    ).slice(0, Math.round(count * noise)),
  );
  for (const i of flipped) data.labels[i] = 1 - data.labels[i];

  const config = {
    ...defaultTrainConfig(),
    model: values.model as ModelName,
    epochs: Number(values.epochs),
    workers: Number(values.workers),
  };
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const started = performance.now();
  let backend = '';
  const cv = await crossValidate({
    data,
    config,
    onFold: (f) =>
      console.error(
        `fold ${f.fold + 1} done after ${f.curve.length} epochs (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      ),
    onProgress: (p) => {
      if (p.backend) backend = p.backend;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const predicted = argmaxRows(cv.oof, 2);
  const vsTruth = computeMetrics(truth, predicted, 2);
  const vsGiven = computeMetrics(data.labels, predicted, 2);
  // Relabel's default filter for two classes and cleanlab's own, on the same probabilities.
  const filters = [...new Set<FilterBy>([defaultFilterBy(2), CLEANLAB_DEFAULT_FILTER_BY])];
  const scored = filters.map((filterBy) => {
    const issues = findLabelIssues(data.labels, cv.oof, 2, { filterBy, rankedBy: 'self_confidence' });
    const found = Array.from(issues).filter((i) => flipped.has(i)).length;
    const precision = issues.length ? found / issues.length : 0;
    const recall = found / flipped.size;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const top =
      Array.from(issues.subarray(0, flipped.size)).filter((i) => flipped.has(i)).length / flipped.size;
    return { filterBy, issues, found, precision, recall, f1, top };
  });
  const row = (label: string, cell: (s: (typeof scored)[number]) => string) =>
    `| ${label} | ${scored.map(cell).join(' | ')} |`;

  const lines = [
    '# Fashion-MNIST label-noise detection (training engine + confident learning)',
    '',
    `Footwear (sandal, sneaker, ankle boot) vs other garments: ${count} training images (balanced), 28×28×1, ` +
      `${flipped.size} labels (${(noise * 100).toFixed(0)}%) flipped at random (seed 2). ${config.folds}-fold OOF, ` +
      `model ${config.model}, ≤ ${config.epochs} epochs with early stopping, batch ${config.batchSize}, ${config.workers} worker(s) on ${backend}; ` +
      `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), load average at start ${load}. ` +
      `Issues: findLabelIssues(filter_by=…, ranked_by='self_confidence'), Relabel's two-class default first. ` +
      `Cross-validation wall time (incl. worker start-up): ${seconds.toFixed(0)} s; OOF accuracy vs true / given ` +
      `labels ${(vsTruth.accuracy * 100).toFixed(2)}% / ${(vsGiven.accuracy * 100).toFixed(2)}%.`,
    '',
    row('filter', (s) => s.filterBy),
    `| --- | ${scored.map(() => '---').join(' | ')} |`,
    row('issues flagged', (s) => String(s.issues.length)),
    row('flipped labels found', (s) => `${s.found} of ${flipped.size}`),
    row(
      'precision / recall / F1',
      (s) => `${s.precision.toFixed(3)} / ${s.recall.toFixed(3)} / ${s.f1.toFixed(3)}`,
    ),
    row(`flipped among the top ${flipped.size} ranked`, (s) => `${(s.top * 100).toFixed(1)}%`),
    '',
    ...cv.notes.map((n) => `- ${n}`),
  ];
  console.log(lines.join('\n'));
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'train-fmnist.md'), lines.join('\n') + '\n');
}

await main();
