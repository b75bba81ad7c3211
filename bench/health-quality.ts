/**
 * How well the dataset-health issues find what is really there, on real embeddings: a Fashion-MNIST binary dataset
 * (footwear vs garments, written as `relabel demo` writes its images: 28 px upscaled to 64 px, JPEG quality 92) into
 * which known problems are injected:
 *   - exact duplicates: byte copies of an image, half of them with the other label;
 *   - near-duplicates: an image re-encoded at JPEG quality 75, shifted by one pixel, or brightened by 10 %, half of
 *     them with the other label;
 *   - outliers: bags (a Fashion-MNIST class left out of the task) and uniform-noise images.
 * Every planted copy has its own original. The project is imported as `relabel import` does, embedded with the
 * pretrained backbone as `relabel train --model pretrained` does (stored in the project, reused by a rerun), and
 * scanned as the Dataset page scans it (same groups: content hashes + embedding pairs, linked transitively).
 *
 * Reports precision/recall of each issue type at the documented settings, and near-duplicate precision/recall per
 * cosine threshold. A flagged pair nobody planted may still be a real look-alike of Fashion-MNIST itself: the
 * "look-alike" column counts those whose 28 px source images differ by under 8/255 per pixel on average.
 *
 *   npx tsx bench/health-quality.ts [--count 2500] [--work /tmp/relabel-bench-health-quality]
 * Table: bench/results/health-quality.md.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { HEALTH_TOP, NEAR_DUPLICATE_SIMILARITY, OUTLIER_NEIGHBOURS } from '../src-shared/health';
import { FOOTWEAR, fashionMnistDir } from '../src-main/core/dataset/demo-fashion';
import { imageName } from '../src-main/core/dataset/demo';
import { IMAGES_SUBFOLDER, LABEL_FILE } from '../src-main/core/dataset/detect-source';
import { readIdxFile } from '../src-main/core/dataset/idx-file';
import { importDataset } from '../src-main/core/dataset/import';
import { findIdxFiles } from '../src-main/core/dataset/source-idx';
import {
  groupsOf,
  sameHashLinks,
  scanEmbeddings,
  topOutliers,
} from '../src-main/core/features/dataset-health';
import { defaultBackbone } from '../src-main/core/features/backbone-spec';
import { encodeFloat16 } from '../src-main/core/features/float16';
import { EmbeddingMatrix } from '../src-main/core/features/linalg';
import { cosineIndex } from '../src-main/core/features/nearest';
import { mulberry32, shuffleInPlace } from '../src-main/core/random/seeded';
import { Project } from '../src-main/core/store/project';
import { ensureEmbeddings, readEmbeddings } from '../src-main/core/workflows/embeddings';
import { benchLog, loadNow } from './common';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2500' },
    work: { type: 'string', default: '/tmp/relabel-bench-health-quality' },
  },
});
const BASE = Number(values.count);
const SIZE = 64;
const BAG = 8;
const PER_KIND = { exact: 40, reencode: 30, shift: 30, brighten: 30, bag: 20, noise: 10 };
const OUTLIER_K_SWEEP = [5, 10, 15, 20, 30, 50];
const THRESHOLDS = [0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.975, 0.98, 0.985, 0.99, 0.995];
const LOOKALIKE_MAD = 8;
const here = fileURLToPath(new URL('.', import.meta.url));
const log = benchLog('health-quality');

type Kind = keyof typeof PER_KIND;
/** One image of the dataset: a base image, or a planted one (a copy of `of`, or an outlier). */
interface Item {
  kind: 'base' | Kind;
  label: number;
  /** The 28 px source (null for noise). */
  source: Uint8Array | null;
  of?: number;
  flipped?: boolean;
}

const render28 = (px: Uint8Array) =>
  sharp(px, { raw: { width: 28, height: 28, channels: 1 } })
    .resize(SIZE, SIZE, { kernel: 'lanczos3' })
    .toColourspace('b-w')
    .jpeg({ quality: 92 })
    .toBuffer();

const grayOf = (jpg: Buffer) => sharp(jpg).toColourspace('b-w').raw().toBuffer();
const asJpeg = (raw: Buffer, quality = 92) =>
  sharp(raw, { raw: { width: SIZE, height: SIZE, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality })
    .toBuffer();

async function variant(kind: Kind, jpg: Buffer): Promise<Buffer> {
  if (kind === 'exact') return jpg;
  const raw = await grayOf(jpg);
  if (kind === 'reencode') return asJpeg(raw, 75);
  if (kind === 'shift') {
    const out = Buffer.alloc(raw.length);
    for (let y = 0; y < SIZE; y++) raw.copy(out, y * SIZE + 1, y * SIZE, y * SIZE + SIZE - 1);
    return asJpeg(out);
  }
  return asJpeg(Buffer.from(raw.map((v) => Math.min(255, Math.round(v * 1.1)))));
}

/** Writes the dataset (seed format) and returns what was planted; the same seed always gives the same files. */
async function writeDataset(dir: string): Promise<Item[]> {
  const pair = findIdxFiles(join(fashionMnistDir(), 'train'));
  if (!pair) throw new Error(`Fashion-MNIST not found in ${fashionMnistDir()}`);
  const images = await readIdxFile(pair.images, 3);
  const labels = await readIdxFile(pair.labels, 1);
  const pixels = (i: number) => images.data.slice(i * 784, (i + 1) * 784);
  const rng = mulberry32(7);
  const foot: number[] = [];
  const garments: number[] = [];
  const bags: number[] = [];
  for (let i = 0; i < images.dims[0]; i++) {
    const c = labels.data[i];
    (c === BAG ? bags : FOOTWEAR.has(c) ? foot : garments).push(i);
  }
  const n0 = Math.round(0.13 * BASE);
  const chosen = shuffleInPlace(rng, [
    ...shuffleInPlace(rng, foot).slice(0, n0),
    ...shuffleInPlace(rng, garments).slice(0, BASE - n0),
  ]);
  const items: Item[] = chosen.map((i) => ({
    kind: 'base',
    label: FOOTWEAR.has(labels.data[i]) ? 0 : 1,
    source: pixels(i),
  }));
  const files: Buffer[] = [];
  for (const it of items) files.push(await render28(it.source!));
  const originals = shuffleInPlace(rng, [...items.keys()]);
  let next = 0;
  for (const kind of ['exact', 'reencode', 'shift', 'brighten'] as const) {
    for (let j = 0; j < PER_KIND[kind]; j++) {
      const of = originals[next++];
      const flipped = j % 2 === 0;
      items.push({
        kind,
        of,
        flipped,
        label: flipped ? 1 - items[of].label : items[of].label,
        source: items[of].source,
      });
      files.push(await variant(kind, files[of]));
    }
  }
  for (const i of shuffleInPlace(rng, bags).slice(0, PER_KIND.bag)) {
    items.push({ kind: 'bag', label: 1, source: pixels(i) });
    files.push(await render28(pixels(i)));
  }
  for (let j = 0; j < PER_KIND.noise; j++) {
    const raw = Buffer.from(Array.from({ length: SIZE * SIZE }, () => Math.floor(rng() * 256)));
    items.push({ kind: 'noise', label: j % 2, source: null });
    files.push(await asJpeg(raw));
  }
  mkdirSync(join(dir, IMAGES_SUBFOLDER), { recursive: true });
  files.forEach((f, i) => writeFileSync(join(dir, IMAGES_SUBFOLDER, imageName(i)), f));
  writeFileSync(join(dir, LABEL_FILE), items.map((it) => `${it.label}\n`).join(''));
  return items;
}

async function prepare(): Promise<{ project: string; items: Item[] }> {
  const data = join(values.work, `fashion-${BASE}`);
  const project = join(values.work, `fashion-${BASE}.relabel`);
  const truth = join(values.work, `fashion-${BASE}.planted.json`);
  if (!existsSync(truth)) {
    rmSync(values.work, { recursive: true, force: true });
    log(`writing ${BASE} images + planted duplicates and outliers`);
    const items = await writeDataset(data);
    const p = Project.create(project);
    try {
      await importDataset(p, data, { onBadImage: 'stop' });
    } finally {
      p.close();
    }
    writeFileSync(truth, JSON.stringify(items.map((it) => ({ ...it, source: it.source && [...it.source] }))));
  }
  const items = (
    JSON.parse(readFileSync(truth, 'utf8')) as (Omit<Item, 'source'> & { source: number[] | null })[]
  ).map((it) => ({ ...it, source: it.source && Uint8Array.from(it.source) }));
  return { project, items };
}

const { project: projectPath, items } = await prepare();
const p = Project.open(projectPath);
const n = items.length;
let embedSeconds = 0;
let embedLoad = '';
let backboneLabel = '';
let hashes: string[];
let scan: ReturnType<typeof scanEmbeddings>;
let index: ReturnType<typeof cosineIndex>;
let emb: { dim: number; values: Float32Array };
try {
  const before = loadNow();
  const t = Date.now();
  const e = await ensureEmbeddings(p, {
    backbone: defaultBackbone(n),
    backend: 'auto',
    workers: Math.min(2, cpus().length),
    onProgress: (x) => log(x.message),
  });
  embedSeconds = (Date.now() - t) / 1000;
  embedLoad = `${before} → ${loadNow()}`;
  backboneLabel = e.label;
  log(`embedded: ${e.notes.join('; ')}`);
  hashes = p.getSamples().map((s) => s.hash);
  emb = readEmbeddings(p, e.key);
  const { dim, values: rows } = emb;
  const bits = encodeFloat16(rows);
  const m = EmbeddingMatrix.create(n, dim, (r, stride) => {
    for (let i = 0; i < n; i++) r.set(bits.subarray(i * dim, (i + 1) * dim), i * stride);
  });
  index = cosineIndex(m);
  scan = scanEmbeddings(index, {
    threshold: THRESHOLDS[0],
    k: OUTLIER_NEIGHBOURS,
    maxPairs: 20 * n,
  });
} finally {
  p.close();
}

const planted = items.flatMap((it, i) => (it.of === undefined ? [] : [{ ...it, i, of: it.of }]));
const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
const simOf = new Map(scan.pairs.map((x) => [key(x.a, x.b), x.similarity]));
const plantedKeys = new Set(planted.map((x) => key(x.i, x.of)));
const mad = (a: Uint8Array | null, b: Uint8Array | null) => {
  if (!a || !b) return Infinity;
  let s = 0;
  for (let j = 0; j < a.length; j++) s += Math.abs(a[j] - b[j]);
  return s / a.length;
};
const pct = (x: number, of: number) => (of === 0 ? '–' : (x / of).toFixed(3));

// Exact duplicates: the content-hash groups (with or without embeddings).
const hashGroups = groupsOf(sameHashLinks(hashes));
const exactPlanted = planted.filter((x) => x.kind === 'exact');
const exactFound = exactPlanted.filter((x) => hashes[x.i] === hashes[x.of]).length;
const hashGroupsPlanted = hashGroups.filter((g) => g.some((i) => items[i].kind === 'exact')).length;

/** Near-duplicate pairs and duplicate groups (hash links + embedding pairs at `t`), as the Dataset page forms them. */
function at(t: number) {
  const pairs = scan.pairs.filter((x) => x.similarity >= t && hashes[x.a] !== hashes[x.b]);
  const nearPlanted = planted.filter((x) => x.kind !== 'exact');
  const found = nearPlanted.filter((x) => (simOf.get(key(x.i, x.of)) ?? 0) >= t);
  const hits = pairs.filter((x) => plantedKeys.has(key(x.a, x.b))).length;
  const unplanted = pairs.filter((x) => !plantedKeys.has(key(x.a, x.b)));
  const lookalikes = unplanted.filter(
    (x) => mad(items[x.a].source, items[x.b].source) < LOOKALIKE_MAD,
  ).length;
  const groups = groupsOf([...sameHashLinks(hashes), ...pairs.map((x): [number, number] => [x.a, x.b])]);
  const disagree = groups.filter((g) => new Set(g.map((i) => items[i].label)).size > 1);
  const groupOf = new Map<number, number>();
  groups.forEach((g, j) => g.forEach((i) => groupOf.set(i, j)));
  const flippedPlanted = planted.filter((x) => x.flipped);
  const conflictFound = flippedPlanted.filter(
    (x) => groupOf.get(x.i) !== undefined && groupOf.get(x.i) === groupOf.get(x.of),
  ).length;
  const disagreeTrue = disagree.filter((g) => g.some((i) => items[i].flipped)).length;
  const largest = Math.max(0, ...groups.map((g) => g.length));
  const inDisagree = disagree.reduce((a, g) => a + g.length, 0);
  const perKind = (k: Kind) => pct(found.filter((x) => x.kind === k).length, PER_KIND[k]);
  return {
    flagged: pairs.length,
    precision: pct(hits, pairs.length),
    precisionWithLookalikes: pct(hits + lookalikes, pairs.length),
    recall: pct(found.length, nearPlanted.length),
    perKind: `${perKind('reencode')} / ${perKind('shift')} / ${perKind('brighten')}`,
    unplanted: unplanted.length,
    lookalikes,
    conflictGroups: disagree.length,
    conflictPrecision: pct(disagreeTrue, disagree.length),
    conflictRecall: pct(conflictFound, flippedPlanted.length),
    largest,
    inDisagree,
  };
}

const outlierPlanted = new Set(
  items.flatMap((it, i) => (it.kind === 'bag' || it.kind === 'noise' ? [i] : [])),
);
const top = topOutliers(scan.outlierScores, HEALTH_TOP);
const topK = topOutliers(scan.outlierScores, outlierPlanted.size);
const inTop = (ids: number[], kind?: Kind) =>
  ids.filter((i) => outlierPlanted.has(i) && (!kind || items[i].kind === kind)).length;
const rankOf = new Map(topOutliers(scan.outlierScores, n).map((i, r) => [i, r + 1]));
const ranks = (kind: Kind) =>
  items.flatMap((it, i) => (it.kind === kind ? [rankOf.get(i)!] : [])).sort((a, b) => a - b);
const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
const simsOf = (kind: Kind) =>
  planted
    .filter((x) => x.kind === kind)
    .map((x) => simOf.get(key(x.i, x.of)) ?? 0)
    .sort((a, b) => a - b);

/**
 * A planted outlier's score had it been the only one of its kind: 1 − mean cosine similarity to its k nearest
 * images that are not planted outliers; its rank among the other images' scores (1 = the most outlying).
 */
function loneRanks(kind: Kind): number[] {
  const { dim, values: v } = emb;
  const norm = (i: number) => Math.hypot(...v.subarray(i * dim, (i + 1) * dim)) || 1;
  const norms = Float64Array.from({ length: n }, (_, i) => norm(i));
  const others = items.flatMap((_, i) => (outlierPlanted.has(i) ? [] : [i]));
  const baseScores = others.map((i) => scan.outlierScores[i]).sort((a, b) => b - a);
  return items
    .flatMap((it, i) => (it.kind === kind ? [i] : []))
    .map((i) => {
      const sims = others
        .map((j) => {
          let dot = 0;
          for (let d = 0; d < dim; d++) dot += v[i * dim + d] * v[j * dim + d];
          return dot / (norms[i] * norms[j]);
        })
        .sort((a, b) => b - a)
        .slice(0, OUTLIER_NEIGHBOURS);
      const score = 1 - sims.reduce((a, b) => a + b, 0) / sims.length;
      return baseScores.filter((s) => s > score).length + 1;
    })
    .sort((a, b) => a - b);
}

/** The outlier score over k neighbours (no pairs kept): what the top HEALTH_TOP find. */
function outliersAt(k: number) {
  const scores = scanEmbeddings(index, { threshold: 2, k, maxPairs: 0 }).outlierScores;
  const best = topOutliers(scores, HEALTH_TOP);
  const order = new Map(topOutliers(scores, n).map((i, r) => [i, r + 1]));
  const kindRanks = (kind: Kind) =>
    items.flatMap((it, i) => (it.kind === kind ? [order.get(i)!] : [])).sort((a, b) => a - b);
  return {
    precision: pct(inTop(best), HEALTH_TOP),
    recall: pct(inTop(best), outlierPlanted.size),
    bags: inTop(best, 'bag'),
    noise: inTop(best, 'noise'),
    bagMedian: median(kindRanks('bag')),
    noiseWorst: kindRanks('noise').at(-1),
  };
}

const doc = at(NEAR_DUPLICATE_SIMILARITY);
const nearTotal = PER_KIND.reencode + PER_KIND.shift + PER_KIND.brighten;
const lines = [
  '# Dataset health on real embeddings (Fashion-MNIST with injected duplicates and outliers)',
  '',
  `\`npx tsx bench/health-quality.ts\`: ${BASE.toLocaleString('en')} Fashion-MNIST images (footwear vs garments, bags left out; 64 px JPEG as the demo writes them) plus ` +
    `${PER_KIND.exact} byte copies, ${PER_KIND.reencode} re-encoded (JPEG q75), ${PER_KIND.shift} shifted by 1 px, ${PER_KIND.brighten} brightened (×1.1) copies ` +
    `(each of its own original; every second one with the other label), ${PER_KIND.bag} bags and ${PER_KIND.noise} uniform-noise images: ${n.toLocaleString('en')} images. ` +
    `Embeddings: ${backboneLabel}, ${embedSeconds.toFixed(0)} s on ${cpus().length} shared cores (load ${embedLoad}).`,
  '',
  `**At the documented settings** (near-duplicate cosine ≥ ${NEAR_DUPLICATE_SIMILARITY}, outliers: the top ${HEALTH_TOP} scores over ${OUTLIER_NEIGHBOURS} neighbours):`,
  '',
  '| issue type | planted | flagged | precision | recall | note |',
  '|---|---|---|---|---|---|',
  `| exact duplicates (same content hash) | ${PER_KIND.exact} pairs | ${hashGroups.length} groups | ${pct(hashGroupsPlanted, hashGroups.length)} | ${pct(exactFound, PER_KIND.exact)} | unplanted groups (identical images in Fashion-MNIST itself): ${hashGroups.length - hashGroupsPlanted} |`,
  `| near-duplicates (pairs, other hash) | ${nearTotal} pairs | ${doc.flagged} pairs | ${doc.precision} (${doc.precisionWithLookalikes} counting look-alikes) | ${doc.recall} | recall re-encoded / shifted / brightened: ${doc.perKind} |`,
  `| duplicate groups with conflicting labels | ${PER_KIND.exact / 2 + nearTotal / 2} | ${doc.conflictGroups} groups (${doc.inDisagree} images) | ${doc.conflictPrecision} | ${doc.conflictRecall} | a flipped copy counts when it shares a group with its original |`,
  `| outliers (top ${HEALTH_TOP}) | ${outlierPlanted.size} (${PER_KIND.bag} bags, ${PER_KIND.noise} noise) | ${HEALTH_TOP} | ${pct(inTop(top), HEALTH_TOP)} | ${pct(inTop(top), outlierPlanted.size)} | bags ${inTop(top, 'bag')}/${PER_KIND.bag}, noise ${inTop(top, 'noise')}/${PER_KIND.noise}; top ${outlierPlanted.size}: precision ${pct(inTop(topK), outlierPlanted.size)} |`,
  '',
  `Outlier ranks (1 = most outlying) of the bags: median ${median(ranks('bag'))}, worst ${ranks('bag').at(-1)}; of the noise images: ${ranks('noise').join(', ')}.`,
  `Had each been the only one of its kind (score over its ${OUTLIER_NEIGHBOURS} nearest images that are not planted outliers), ` +
    `it would rank among the other images: bags median ${median(loneRanks('bag'))} (${loneRanks('bag').filter((r) => r <= HEALTH_TOP).length}/${PER_KIND.bag} in the top ${HEALTH_TOP}), ` +
    `noise ${loneRanks('noise').join(', ')}.`,
  `Cosine similarity of the planted pairs (min / median): re-encoded ${simsOf('reencode')[0].toFixed(3)} / ${median(simsOf('reencode')).toFixed(3)}, ` +
    `shifted ${simsOf('shift')[0].toFixed(3)} / ${median(simsOf('shift')).toFixed(3)}, brightened ${simsOf('brighten')[0].toFixed(3)} / ${median(simsOf('brighten')).toFixed(3)} ` +
    `(0 = below ${THRESHOLDS[0]}).` +
    (scan.pairsTruncated
      ? ` The scan kept the ${scan.pairs.length.toLocaleString('en')} most similar pairs (20 per image): rows whose flagged count reaches that are lower bounds.`
      : ''),
  '',
  `**Outlier neighbours** (the score: 1 − mean cosine similarity to the k nearest images; top ${HEALTH_TOP} flagged). A group of similar outliers hides its members from each other while k is smaller than the group (here 10 noise images, 20 bags):`,
  '',
  `| k | precision | recall | bags in the top ${HEALTH_TOP} | noise in the top ${HEALTH_TOP} | bags' median rank | noise images' worst rank |`,
  '|---|---|---|---|---|---|---|',
  ...OUTLIER_K_SWEEP.map((k) => {
    const r = outliersAt(k);
    return `| ${k}${k === OUTLIER_NEIGHBOURS ? ' (default)' : ''} | ${r.precision} | ${r.recall} | ${r.bags}/${PER_KIND.bag} | ${r.noise}/${PER_KIND.noise} | ${r.bagMedian} | ${r.noiseWorst} |`;
  }),
  '',
  '**Near-duplicate threshold** (pairs with different content hashes; "look-alike": an unplanted pair whose 28 px sources differ by < 8/255 per pixel on average):',
  '',
  '| cosine ≥ | flagged pairs | precision | precision counting look-alikes | recall | recall re-encoded / shifted / brightened | unplanted (look-alike) | largest group | conflicting-label groups (images in them) | their precision | their recall |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...THRESHOLDS.map((t) => {
    const r = at(t);
    return `| ${t} | ${r.flagged} | ${r.precision} | ${r.precisionWithLookalikes} | ${r.recall} | ${r.perKind} | ${r.unplanted} (${r.lookalikes}) | ${r.largest} | ${r.conflictGroups} (${r.inDisagree}) | ${r.conflictPrecision} | ${r.conflictRecall} |`;
  }),
  '',
];
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'health-quality.md'), lines.join('\n'));
process.stdout.write(lines.join('\n'));
