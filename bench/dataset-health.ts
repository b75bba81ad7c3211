/**
 * Benchmark: the cost of the dataset-health scan (near-duplicate pairs and outlier scores, an exact all-pairs
 * comparison of 1,792-value float16 embeddings, MobileNetV2's size), in one process and through the project
 * (worker processes), with the 100,000-image time extrapolated by n². The data are synthetic (clustered
 * non-negative rows with planted copies + 0.1 % noise and planted far-off rows): the recall columns check that the
 * scan finds what was planted, not how well a threshold suits real MobileNetV2 embeddings (that needs a
 * Fashion-MNIST run with injected duplicates: bench/health-quality.ts).
 *
 * Run: npx tsx bench/dataset-health.ts   (writes bench/results/dataset-health.md)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEAR_DUPLICATE_SIMILARITY, OUTLIER_NEIGHBOURS } from '../src-shared/health';
import { scanEmbeddings, topOutliers, type HealthScan } from '../src-main/core/features/dataset-health';
import { encodeFloat16 } from '../src-main/core/features/float16';
import { EmbeddingMatrix } from '../src-main/core/features/linalg';
import { cosineIndex } from '../src-main/core/features/nearest';
import { mulberry32 } from '../src-main/core/random/seeded';
import { Project } from '../src-main/core/store/project';
import { scanStoredEmbeddings } from '../src-main/core/workflows/dataset-health';

const DIM = 1792;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function data(n: number): { bits: Uint16Array; copies: [number, number][]; far: number[] } {
  const rng = mulberry32(n);
  const centres = Array.from({ length: 20 }, () => Float32Array.from({ length: DIM }, () => rng() * 3));
  const values = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < DIM; d++) values[i * DIM + d] = Math.max(0, centres[i % 20][d] + (rng() - 0.5) * 6);
  const copies: [number, number][] = [];
  for (let j = 0; j < n / 100; j++) {
    const [from, to] = [Math.floor(rng() * n), Math.floor(rng() * n)];
    if (from === to || copies.some(([a, b]) => [a, b].includes(from) || [a, b].includes(to))) continue;
    copies.push([Math.min(from, to), Math.max(from, to)]);
    for (let d = 0; d < DIM; d++) values[to * DIM + d] = values[from * DIM + d] * (1 + (rng() - 0.5) * 1e-3);
  }
  const far = Array.from({ length: 10 }, (_, j) => Math.floor(((j + 0.5) * n) / 10));
  for (const i of far) for (let d = 0; d < DIM; d++) values[i * DIM + d] = (d * 7 + i) % 97 === 0 ? 5 : 0;
  return { bits: encodeFloat16(values), copies, far };
}

const recall = (scan: HealthScan, copies: [number, number][], far: number[]) => {
  const pairs = new Set(scan.pairs.map((p) => `${p.a}-${p.b}`));
  const top = new Set(topOutliers(scan.outlierScores, far.length));
  return {
    pairs: copies.filter(([a, b]) => pairs.has(`${a}-${b}`)).length / copies.length,
    outliers: far.filter((i) => top.has(i)).length / far.length,
  };
};

const rows: string[] = [];
const fmt = (s: number) => `${s.toFixed(1)} s`;
const minutes = (s: number) => `${Math.round(s / 60)} min`;
for (const n of [1000, 2000, 4000]) {
  const { bits, copies, far } = data(n);
  const m = EmbeddingMatrix.create(n, DIM, (r, stride) => {
    for (let i = 0; i < n; i++) r.set(bits.subarray(i * DIM, (i + 1) * DIM), i * stride);
  });
  const t = performance.now();
  const scan = scanEmbeddings(cosineIndex(m), {
    threshold: NEAR_DUPLICATE_SIMILARITY,
    k: OUTLIER_NEIGHBOURS,
    maxPairs: 20 * n,
  });
  const s = (performance.now() - t) / 1000;
  const r = recall(scan, copies, far);
  rows.push(
    `| ${n.toLocaleString('en')} | 1 (in-process) | ${fmt(s)} | ${minutes(s * (100_000 / n) ** 2)} | ${r.pairs.toFixed(2)} | ${r.outliers.toFixed(2)} | ${loadavg()[0].toFixed(2)} |`,
  );
  process.stderr.write(rows.at(-1) + '\n');
}
{
  const n = 4000;
  const workers = Math.min(availableParallelism(), 8);
  const { bits, copies, far } = data(n);
  const dir = mkdtempSync(join(tmpdir(), 'relabel-bench-health-'));
  const project = Project.create(join(dir, 'p.relabel'));
  try {
    const w = project.beginImport(
      { format: 'idx', root: dir, labelSource: null, inputWidth: 2, inputHeight: 2, channels: 1 },
      [
        { id: 0, name: 'a' },
        { id: 1, name: 'b' },
      ],
    );
    for (let i = 0; i < n; i++)
      w.add(
        { index: i, path: `idx:${i}`, hash: String(i), width: 2, height: 2, givenLabel: i % 2 },
        new Uint8Array(4),
        { data: new Uint8Array([1]), mime: 'image/png' },
      );
    w.commit();
    project.embeddings.saveChunk(project.datasetGeneration, 'bench:x:1x1', 0, DIM, bits);
    const t = performance.now();
    const scan = await scanStoredEmbeddings(project, { key: 'bench:x:1x1', n, dim: DIM }, { workers });
    const s = (performance.now() - t) / 1000;
    const r = recall(scan, copies, far);
    rows.push(
      `| ${n.toLocaleString('en')} | ${workers} (worker processes) | ${fmt(s)} | ${minutes(s * (100_000 / n) ** 2)} | ${r.pairs.toFixed(2)} | ${r.outliers.toFixed(2)} | ${loadavg()[0].toFixed(2)} |`,
    );
    process.stderr.write(rows.at(-1) + '\n');
  } finally {
    project.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const table = `# Dataset-health scan (near-duplicates and outliers)

Exact all-pairs cosine scan of n × ${DIM} float16 embeddings (threshold ${NEAR_DUPLICATE_SIMILARITY}, outlier score over ${OUTLIER_NEIGHBOURS} neighbours) on synthetic clustered rows with n/100 planted copies (0.1 % noise) and 10 planted far-off rows. "100,000 (×n²)" extrapolates the measured time. Recall: the planted pairs found, the planted rows among the 10 top outliers. Load average (1 min) after each row; ${availableParallelism()} cores.

| n | processes | scan | 100,000 (×n²) | pair recall | outlier recall | load |
|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'dataset-health.md'), table);
process.stdout.write(table);
