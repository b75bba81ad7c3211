import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Tf } from '../train/tf';
import { inspectBackbone, type BackboneIdentity, type BackboneSpec } from './backbone-spec';
import { BackboneError, placeholders, relaxInputShape } from './graph-model-files';

type LoadSync = (source: [object, ArrayBuffer]) => GraphModel;

/**
 * A pretrained network that turns images into feature vectors: uint8 NHWC pixels (1 or 3 channels, any
 * size) → RGB in [0, 1] (grayscale replicated to 3 channels) → bilinear resize to the backbone's input
 * side (small images are upsampled) → the chosen node → mean over height and width.
 * The graph applies its own normalisation (the bundled MobileNetV2 computes x·2 − 1 itself).
 */
export class Backbone {
  private constructor(
    private readonly tf: Tf,
    private readonly model: GraphModel,
    readonly identity: BackboneIdentity,
    readonly channels: number,
    readonly dim: number,
  ) {}

  /** Loads the graph on `tf`'s backend from local files only; checks the node by embedding one blank image. */
  static async load(tf: Tf, spec: BackboneSpec): Promise<Backbone> {
    const { files, identity } = inspectBackbone(spec);
    const input = placeholders(files.json)[0];
    const channels = identity.relaxInput ? relaxInputShape(input, files.path) : 3;
    if (channels !== 3)
      throw new BackboneError(
        `${files.path}: the backbone's input must have 3 channels (RGB), it has ${channels}`,
      );
    // tfjs-node exports the converter bound to its own core; the wasm and cpu backends use the converter package.
    const fromTf = (tf as unknown as { loadGraphModelSync?: LoadSync }).loadGraphModelSync;
    const load: LoadSync =
      fromTf ?? ((await import('@tensorflow/tfjs-converter')).loadGraphModelSync as LoadSync);
    let model: GraphModel;
    try {
      model = load([files.json, files.weights]);
    } catch (e) {
      throw new BackboneError(`${files.path} could not be loaded as a graph model: ${(e as Error).message}`);
    }
    const probe = new Backbone(tf, model, identity, channels, 0);
    let dim: number;
    try {
      dim = probe.embed(new Uint8Array(8 * 8 * 3), 1, 8, 8, 3).length;
    } catch (e) {
      model.dispose();
      if (e instanceof BackboneError) throw e;
      throw new BackboneError(
        `backbone node ${identity.nodeName} of ${files.path} cannot be computed: ${(e as Error).message}`,
      );
    }
    return new Backbone(tf, model, identity, channels, dim);
  }

  /** Feature vectors (count × dim, row-major) of `count` images stored back to back in `pixels`. */
  embed(pixels: Uint8Array, count: number, height: number, width: number, channels: number): Float32Array {
    const { tf } = this;
    if (channels !== 1 && channels !== 3)
      throw new BackboneError(`images must have 1 or 3 channels, got ${channels}`);
    if (pixels.length !== count * height * width * channels)
      throw new Error(`${pixels.length} pixel bytes for ${count} images of ${width}×${height}×${channels}`);
    const out = tf.tidy(() => {
      let x = tf.div(
        tf.cast(tf.tensor4d(pixels, [count, height, width, channels], 'int32'), 'float32'),
        255,
      ) as Tensor4D;
      if (channels === 1) x = tf.tile(x, [1, 1, 1, 3]);
      if (height !== this.identity.height || width !== this.identity.width)
        x = tf.image.resizeBilinear(x, [this.identity.height, this.identity.width], false, true);
      const y = this.model.execute(x, this.identity.nodeName) as Tensor;
      if (y.rank === 4) return tf.mean(y, [1, 2]);
      if (y.rank === 2) return y;
      throw new BackboneError(
        `backbone node ${this.identity.nodeName} gives a ${y.rank}-D tensor; it must be 4-D (a feature map) or 2-D (a vector)`,
      );
    });
    try {
      return out.dataSync() as Float32Array;
    } finally {
      out.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
