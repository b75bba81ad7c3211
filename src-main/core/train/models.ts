import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { CnnModelName, ModelName } from '../../../src-shared/domain';
import type { Tf } from './tf';

export interface InputShape {
  height: number;
  width: number;
  channels: number;
}

/** Smallest side each model accepts (the baseline's two valid 5×5 convs and two poolings need 16 px). */
export const MIN_INPUT_SIDE: Record<CnnModelName, number> = { baseline: 16, cnn: 8 };

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

/**
 * LeNet-like baseline: conv5×5·6 relu → maxpool2 → conv5×5·16 relu → maxpool2 → dense 256 → dense 32 →
 * softmax. `cnn`: three conv3×3-batchnorm-relu blocks (32-64-128, pooling after the first two) → global
 * average pooling → softmax. Initialisers are seeded so the same seed gives the same starting weights.
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
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  const he = () => tf.initializers.heNormal({ seed: s++ });
  const inputShape = [input.height, input.width, input.channels];
  const model = tf.sequential({ name });
  if (name === 'baseline') {
    model.add(
      tf.layers.conv2d({
        inputShape,
        filters: 6,
        kernelSize: 5,
        activation: 'relu',
        kernelInitializer: init(),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: init() }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init() }));
    model.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init() }));
  } else {
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
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax', kernelInitializer: init() }));
  return model;
}
