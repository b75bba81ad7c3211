import { beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src-main/core/store/project';
import { SINGLE_MODEL } from '../../src-main/core/store/run-models';
import { defaultTrainConfig, restoreModel, selectBackend, type Tf } from '../../src-main/core/train';
import { BatchBuilder } from '../../src-main/core/train/batches';
import { memoryPixelSource } from '../../src-main/core/train/pixel-source';
import { runCrossValidation } from '../../src-main/core/workflows/cross-validation-run';
import { runRetrain } from '../../src-main/core/workflows/holdout';
import { syntheticDataset } from '../train/synthetic';
import { tempDir } from '../helpers/tmp';
import { projectFromData } from './helpers';

const data = syntheticDataset({ n: 160, size: 16, seed: 21 });
const config = {
  ...defaultTrainConfig(),
  backend: 'wasm' as const,
  folds: 2,
  epochs: 2,
  workers: 2,
  batchSize: 32,
};
let tf: Tf;

/** Probabilities of `samples` under a model restored from the project file. */
function predictWith(project: Project, runId: number, fold: number, samples: Int32Array): Float32Array {
  const stored = project.models.get(runId, fold)!;
  const model = restoreModel(tf, stored);
  const builder = new BatchBuilder(tf, memoryPixelSource(data.pixels, data), 2, samples.length);
  const p = tf.tidy(() => model.predict(builder.images(samples, 0, samples.length)) as never);
  const out = (p as { dataSync(): Float32Array }).dataSync();
  tf.dispose(p);
  model.dispose();
  return out;
}

describe('trained models kept in the project file', () => {
  beforeAll(async () => {
    tf = (await selectBackend('wasm')).tf;
  });

  it('each CV fold model round-trips and reproduces that fold’s out-of-fold probabilities', async () => {
    const dir = tempDir();
    const path = projectFromData(dir, data).path;
    let project = Project.open(path);
    const runId = await runCrossValidation(project, config);
    project.close();
    project = Project.open(path); // everything below comes back from the file

    const models = project.models.list(runId);
    expect(models.map((m) => m.fold)).toEqual([0, 1]);
    // baseline on 16×16×1: conv 5·5·1·6+6, conv 5·5·6·16+16, dense 16·256+256, 256·32+32, 32·2+2
    const params = 156 + 2416 + 4352 + 8224 + 66;
    for (const m of models) {
      expect(m.spec).toMatchObject({
        model: 'baseline',
        numClasses: 2,
        input: { height: 16, width: 16, channels: 1 },
      });
      expect(m.bytes).toBe(params * 4);
    }
    for (const f of project.runs.folds(runId)) {
      const probs = predictWith(project, runId, f.fold, f.testIndices);
      expect(probs.length).toBe(f.probs.length);
      for (let i = 0; i < probs.length; i++) expect(probs[i]).toBeCloseTo(f.probs[i], 5);
    }
    // A model of one fold does not reproduce the other fold's probabilities: the check above can fail.
    const [f0] = project.runs.folds(runId);
    const other = predictWith(project, runId, 1, f0.testIndices);
    expect(Array.from(other).some((v, i) => Math.abs(v - f0.probs[i]) > 1e-3)).toBe(true);
    project.close();
  });

  it('hold-out runs keep their single model', async () => {
    const project = projectFromData(tempDir(), data);
    const { beforeRunId, afterRunId } = await runRetrain(project, {
      ...config,
      epochs: 1,
      testFraction: 0.25,
    });
    for (const id of [beforeRunId, afterRunId]) {
      expect(project.models.list(id).map((m) => m.fold)).toEqual([SINGLE_MODEL]);
      const probs = project.runs.probs(id)!.values;
      const test = Int32Array.from({ length: data.n }, (_, i) => i).filter(
        (i) => !Number.isNaN(probs[i * 2]),
      );
      const again = predictWith(project, id, SINGLE_MODEL, test);
      test.forEach((s, row) => expect(again[row * 2]).toBeCloseTo(probs[s * 2], 5));
    }
    project.close();
  });

  it('a stored model that does not fit the architecture is refused with a clear error', () => {
    const spec = {
      format: 1 as const,
      model: 'baseline' as const,
      input: { height: 16, width: 16, channels: 1 },
      numClasses: 2,
      shapes: [[3]],
    };
    expect(() => restoreModel(tf, { spec, weights: new Float32Array(3) })).toThrow(/does not fit/);
    expect(() => restoreModel(tf, { spec, weights: new Float32Array(4) })).toThrow(
      /has 4 weights; its 1 tensors need 3/,
    );
  });
});
