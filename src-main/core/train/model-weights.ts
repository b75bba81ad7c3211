import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CNN_MODEL_NAMES, type ModelName } from '../../../src-shared/domain';
import { buildModel, type InputShape } from './models';
import type { Tf } from './tf';

/**
 * What a stored model is: the architecture is rebuilt from its name (models.ts) and the weights are set in
 * the order `model.getWeights()` lists them (trainable and non-trainable, e.g. batch-norm statistics).
 * Layer names are not stored: tfjs numbers them per process, so they differ between the trainer and a reader.
 */
export interface ModelSpec {
  format: 1;
  model: ModelName;
  input: InputShape;
  numClasses: number;
  /** Shape of each weight tensor, in getWeights() order; the blob is their float32 values concatenated. */
  shapes: number[][];
  /**
   * Temperature the run's probabilities were scaled by (softmax(logits / T), fitted on the validation
   * split): the stored probabilities are `applyTemperature(model output, T)`. Absent: not calibrated.
   */
  temperature?: number;
}

export interface SerializedModel {
  spec: ModelSpec;
  weights: Float32Array;
}

/** The models a stored spec can rebuild: the ones trained end to end on the pixels (models.ts). */
export const REBUILDABLE_MODELS: readonly string[] = CNN_MODEL_NAMES;

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The weights of a trained model with what is needed to rebuild it. */
export async function serializeModel(
  model: LayersModel,
  name: ModelName,
  input: InputShape,
  numClasses: number,
): Promise<SerializedModel> {
  const tensors = model.getWeights();
  const shapes = tensors.map((t) => [...t.shape]);
  const weights = new Float32Array(shapes.reduce((a, s) => a + sizeOf(s), 0));
  let offset = 0;
  for (const t of tensors) {
    const values = (await t.data()) as Float32Array;
    weights.set(values, offset);
    offset += values.length;
  }
  return { spec: { format: 1, model: name, input: { ...input }, numClasses, shapes }, weights };
}

/** Checks a spec read from a project file before anything is built from it. */
export function validateModelSpec(spec: ModelSpec, weightCount: number): void {
  if (spec?.format !== 1) throw new Error(`unknown stored-model format ${String(spec?.format)}`);
  if (spec.temperature !== undefined && !(Number.isFinite(spec.temperature) && spec.temperature > 0))
    throw new Error(`stored model has temperature ${String(spec.temperature)}; expected a positive number`);
  const total = spec.shapes.reduce((a, s) => a + sizeOf(s), 0);
  if (total !== weightCount)
    throw new Error(
      `stored model has ${weightCount} weights; its ${spec.shapes.length} tensors need ${total}`,
    );
}

/** Rebuilds a stored model (the caller disposes it). */
export function restoreModel(tf: Tf, s: SerializedModel): LayersModel {
  validateModelSpec(s.spec, s.weights.length);
  const model = buildModel(tf, s.spec.model, s.spec.input, s.spec.numClasses);
  try {
    const expected = model.getWeights().map((w) => w.shape.join('×'));
    const stored = s.spec.shapes.map((sh) => sh.join('×'));
    if (expected.join(',') !== stored.join(',')) {
      throw new Error(
        `stored '${s.spec.model}' model does not fit this Relabel's architecture (weights ${stored.join(', ')}; expected ${expected.join(', ')})`,
      );
    }
    let offset = 0;
    const tensors = s.spec.shapes.map((shape) => {
      const n = sizeOf(shape);
      const t = tf.tensor(s.weights.subarray(offset, offset + n), shape, 'float32');
      offset += n;
      return t;
    });
    model.setWeights(tensors);
    tf.dispose(tensors);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}
