/**
 * node --import tsx e2e/helpers/add-holdout-runs.ts <file.relabel>: gives a project a finished hold-out run and a
 * retrain compared with it, as `relabel retrain` would leave them, without training: predictions that match the
 * given label for most images (fewer for the retrain's "before"), so the Results page has real numbers to show.
 */
import { computeMetrics } from '../../src-main/core/train/metrics';
import { defaultTrainConfig } from '../../src-main/core/train/config';
import { Project } from '../../src-main/core/store/project';
import { mulberry32 } from '../../src-main/core/random/seeded';

const path = process.argv[2];
if (!path) throw new Error('usage: add-holdout-runs.ts <file.relabel>');

const project = Project.open(path);
try {
  const given = project.getGivenLabels();
  const k = project.getClasses().length;
  const n = given.length;
  const config = { ...defaultTrainConfig(), model: 'baseline', epochs: 2, workers: 1, testFraction: 0.2 };

  /** Probabilities that pick the given label for about `agree` of the images; every image predicted. */
  const predictions = (agree: number, seed: number) => {
    const rand = mulberry32(seed);
    const probs = new Float32Array(n * k).fill(0.2 / Math.max(1, k - 1));
    const predicted = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      predicted[i] = rand() < agree ? given[i] : (given[i] + 1) % k;
      probs[i * k + predicted[i]] = 0.8;
    }
    return { probs, metrics: computeMetrics(given, predicted, k) };
  };

  const finish = (runId: number, agree: number, seed: number) => {
    const { probs, metrics } = predictions(agree, seed);
    project.runs.setBackend(runId, 'wasm');
    project.runs.finish(runId, {
      status: 'done',
      metrics,
      curves: [
        [
          { epoch: 1, loss: 0.6, accuracy: 0.7 },
          { epoch: 2, loss: 0.4, accuracy: agree },
        ],
      ],
      notes: ['made by e2e/helpers/add-holdout-runs.ts, not by training'],
      probs: { numClasses: k, values: probs },
    });
  };

  const before = project.runs.create('holdout', config);
  finish(before, 0.81, 1);
  const after = project.runs.create('retrain', config, before);
  finish(after, 0.9, 2);
  process.stdout.write(`${before} ${after}\n`);
} finally {
  project.close();
}
