import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CnnModelName, ModelName } from '../../../src-shared/domain';
import { seededDropout } from './seeded-dropout';
import type { Tf } from './tf';

export interface InputShape {
  height: number;
  width: number;
  channels: number;
}

/** Smallest side each model accepts (the baseline's two valid 5×5 convs and two poolings need 16 px). */
export const MIN_INPUT_SIDE: Record<CnnModelName, number> = { baseline: 16, 'lenet-wide': 4, cnn: 8 };

function checkInput(name: CnnModelName, input: InputShape, numClasses: number): void {
  const min = MIN_INPUT_SIDE[name];
  if (input.height < min || input.width < min) {
    throw new Error(
      `model '${name}' needs images of at least ${min}×${min} pixels, got ${input.width}×${input.height}` +
        (name === 'baseline' ? ' (conv5 → pool2 → conv5 → pool2 shrinks 16 px to 2)' : ''),
    );
  }
  if (input.channels !== 1 && input.channels !== 3)
    throw new Error(`images must have 1 or 3 channels, got ${input.channels}`);
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new Error(`need at least 2 classes, got ${numClasses}`);
}

interface BuildContext {
  tf: Tf;
  model: ReturnType<Tf['sequential']>;
  inputShape: number[];
  /** Seeded Glorot-uniform and He-normal initialisers, and a seed for dropout. */
  glorot: () => ReturnType<Tf['initializers']['glorotUniform']>;
  he: () => ReturnType<Tf['initializers']['heNormal']>;
  nextSeed: () => number;
}

/** conv5×5·6 relu → maxpool2 → conv5×5·16 relu → maxpool2 → dense 256 → dense 32 (LeNet-like). */
function baselineLayers({ tf, model, inputShape, glorot }: BuildContext): void {
  model.add(
    tf.layers.conv2d({
      inputShape,
      filters: 6,
      kernelSize: 5,
      activation: 'relu',
      kernelInitializer: glorot(),
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(
    tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: glorot() }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: glorot() }));
  model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: glorot() }));
}

/**
 * conv3×3·32 relu → maxpool2 → conv3×3·64 relu → maxpool2 → dropout 0.25 → dense 128 relu → dropout 0.5: the
 * baseline's shape, wider, with 'same' padding and dropout against memorising noisy labels.
 */
function lenetWideLayers({ tf, model, inputShape, he, nextSeed }: BuildContext): void {
  const conv = (filters: number, first: boolean) =>
    tf.layers.conv2d({
      ...(first ? { inputShape } : {}),
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: he(),
    });
  model.add(conv(32, true));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(conv(64, false));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(seededDropout(tf, { rate: 0.25, seed: nextSeed() }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: he() }));
  model.add(seededDropout(tf, { rate: 0.5, seed: nextSeed() }));
}

/** Three conv3×3-batchnorm-relu blocks (32-64-128, pooling after the first two) → global average pooling. */
function cnnLayers({ tf, model, inputShape, he }: BuildContext): void {
  [32, 64, 128].forEach((filters, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: he(),
      }),
    );
    model.add(tf.layers.batchNormalization({ momentum: 0.9 }));
    model.add(tf.layers.activation({ activation: 'relu' }));
    if (i < 2) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.globalAveragePooling2d({}));
}

const LAYERS: Record<CnnModelName, (c: BuildContext) => void> = {
  baseline: baselineLayers,
  'lenet-wide': lenetWideLayers,
  cnn: cnnLayers,
};

/**
 * The named model's layers followed by a dense softmax over the classes. Initialisers and dropout are
 * seeded, so the same seed gives the same starting weights and the same dropout masks.
 */
export function buildModel(
  tf: Tf,
  name: ModelName,
  input: InputShape,
  numClasses: number,
  seed = 42,
): LayersModel {
  if (name === 'pretrained')
    throw new Error("model 'pretrained' is a logistic regression on embeddings, not a layers model");
  checkInput(name, input, numClasses);
  let s = seed >>> 0;
  const model = tf.sequential({ name });
  LAYERS[name]({
    tf,
    model,
    inputShape: [input.height, input.width, input.channels],
    glorot: () => tf.initializers.glorotUniform({ seed: s++ }),
    he: () => tf.initializers.heNormal({ seed: s++ }),
    nextSeed: () => s++,
  });
  model.add(
    tf.layers.dense({
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
    }),
  );
  return model;
}
