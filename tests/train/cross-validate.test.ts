import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  argmaxRows,
  computeMetrics,
  crossValidate,
  defaultTrainConfig,
  stratifiedKFold,
  trainAndEvaluate,
  type FoldResult,
  type TrainProgress,
} from '../../src-main/core/train';
import { syntheticDataset } from './synthetic';

// Imbalanced on purpose: 180 / 120 / 60 images, so the majority-class rate is 0.5.
const data = syntheticDataset({
  n: 360,
  size: 16,
  seed: 11,
  numClasses: 3,
  labelOf: (i) => (i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2),
});
const config = {
  ...defaultTrainConfig(),
  backend: 'wasm' as const,
  folds: 3,
  epochs: 8,
  workers: 2,
  batchSize: 32,
};

/** Live fold-worker processes started by this test process. */
function workerChildren(): number[] {
  try {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((l) => l.includes('fold-worker'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

describe('crossValidate (worker processes, wasm)', () => {
  it('gives every image exactly one out-of-fold vector, from the model that never saw it', async () => {
    const folds: FoldResult[] = [];
    const progress: TrainProgress[] = [];
    let maxChildren = 0;
    const r = await crossValidate({
      data,
      config,
      onFold: (f) => folds.push(f),
      onProgress: (p) => {
        progress.push(p);
        maxChildren = Math.max(maxChildren, workerChildren().length);
      },
    });
    expect(r.backend).toBe('wasm');
    expect(folds).toHaveLength(3);
    expect(maxChildren).toBe(2);

    // Recorded fold membership: each image is in exactly one fold's test set, and that fold is the
    // stratified fold it was assigned to (so it was excluded from that model's training indices).
    const expectedFold = stratifiedKFold(data.labels, 3, config.seed);
    const seen = new Int32Array(data.n).fill(-1);
    for (const f of folds) {
      for (const [row, s] of f.testIndices.entries()) {
        expect(seen[s]).toBe(-1);
        seen[s] = f.fold;
        expect(expectedFold[s]).toBe(f.fold);
        expect(Array.from(r.oof.subarray(s * 3, s * 3 + 3))).toEqual(
          Array.from(f.probs.subarray(row * 3, row * 3 + 3)),
        );
      }
      expect(f.curve.length).toBeGreaterThan(0);
    }
    expect(seen.every((f) => f >= 0)).toBe(true);
    expect(r.oof.some(Number.isNaN)).toBe(false);

    const m = computeMetrics(data.labels, argmaxRows(r.oof, 3), 3);
    expect(m.accuracy).toBeGreaterThan(0.95); // majority-class rate is 0.5
    expect(progress.some((p) => p.point && p.fold !== null)).toBe(true);
    expect(progress.at(-1)!.etaSeconds).toBe(0);
    expect(workerChildren()).toEqual([]);
  });

  it('resumes: done folds are reused as given and only the others are trained', async () => {
    const labels = Int32Array.from(data.labels);
    const include = Int32Array.from({ length: 300 }, (_, i) => i + 30);
    const first: FoldResult[] = [];
    const controller = new AbortController();
    await expect(
      crossValidate({
        data,
        labels,
        include,
        config: { ...config, workers: 1, epochs: 2 },
        signal: controller.signal,
        onFold: (f) => {
          first.push(f);
          controller.abort();
        },
        onProgress: () => {},
      }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(first).toHaveLength(1);

    const trained: number[] = [];
    const r = await crossValidate({
      data,
      labels,
      include,
      config: { ...config, workers: 2, epochs: 2 },
      doneFolds: first,
      onFold: (f) => trained.push(f.fold),
      onProgress: () => {},
    });
    expect(trained.sort()).toEqual([0, 1, 2].filter((f) => f !== first[0].fold));
    expect(r.notes).toContain('resumed: 1 of 3 folds were already done');
    for (const [row, s] of first[0].testIndices.entries()) {
      expect(Array.from(r.oof.subarray(s * 3, s * 3 + 3))).toEqual(
        Array.from(first[0].probs.subarray(row * 3, row * 3 + 3)),
      );
    }
    // Samples outside `include` keep NaN rows; all included ones have probabilities.
    for (let s = 0; s < data.n; s++) {
      const row = r.oof.subarray(s * 3, s * 3 + 3);
      expect(row.some(Number.isNaN)).toBe(s < 30 || s >= 330);
    }
  });

  it('abort mid-run kills the workers: no orphan processes', async () => {
    const controller = new AbortController();
    let sawWorkers = 0;
    const run = crossValidate({
      data,
      config: { ...config, epochs: 50, patience: 50 },
      signal: controller.signal,
      onFold: () => {},
      onProgress: (p) => {
        if (p.point?.epoch === 1 && !controller.signal.aborted) {
          sawWorkers = workerChildren().length;
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toThrow('training cancelled');
    expect(sawWorkers).toBe(2);
    expect(workerChildren()).toEqual([]);
  });

  it('a crashed worker fails its fold with the exit reason', async () => {
    let killed = false;
    const run = crossValidate({
      data,
      config: { ...config, workers: 1, epochs: 50, patience: 50 },
      onFold: () => {},
      onProgress: (p) => {
        if (p.fold !== null && !killed) {
          killed = true;
          for (const pid of workerChildren()) process.kill(pid, 'SIGKILL');
        }
      },
    });
    await expect(run).rejects.toThrow(/training worker for fold 1 exited with signal SIGKILL/);
    expect(workerChildren()).toEqual([]);
  });

  it('refuses folds a class cannot fill, before starting any worker', async () => {
    const labels = Int32Array.from(data.labels);
    labels.fill(0);
    labels[0] = labels[1] = 1;
    await expect(
      crossValidate({ data, labels, config, onFold: () => {}, onProgress: () => {} }),
    ).rejects.toThrow(
      'class 1 has only 2 images; K-fold with K=3 needs at least 3 per class (use --folds ≤ 2 or add images)',
    );
  });
});

describe('trainAndEvaluate', () => {
  it('trains one model in a worker and scores the held-out images', async () => {
    const trainIndices = Int32Array.from({ length: 240 }, (_, i) => i);
    const testIndices = Int32Array.from({ length: 120 }, (_, i) => 240 + i);
    const messages: string[] = [];
    const r = await trainAndEvaluate({
      data,
      config: { ...config, epochs: 3 },
      trainIndices,
      trainLabels: Int32Array.from(trainIndices, (i) => data.labels[i]),
      testIndices,
      testLabels: Int32Array.from(testIndices, (i) => data.labels[i]),
      onProgress: (p) => messages.push(p.message),
    });
    expect(r.backend).toBe('wasm');
    expect(r.probs).toHaveLength(120 * 3);
    expect(r.metrics.n).toBe(120);
    expect(r.metrics.accuracy).toBeGreaterThan(0.8);
    expect(r.curve).toHaveLength(3);
    expect(messages[0]).toBe('training on wasm');
    expect(workerChildren()).toEqual([]);
  });
});
