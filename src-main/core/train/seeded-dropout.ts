import type { Tensor } from '@tensorflow/tfjs-core';
import { mulberry32, type Rng } from '../random/seeded';
import type { Tf } from './tf';

type Layer = InstanceType<Tf['layers']['Layer']>;

/**
 * Dropout whose masks are reproducible but differ from batch to batch. tfjs-layers' Dropout with a
 * `seed` draws the SAME mask on every call (its uniform generator restarts from the seed), which
 * trains a fixed thinned network instead of dropout; without a seed it is not reproducible. This
 * layer draws a fresh seed for each training call from its own seeded generator.
 */
export interface SeededDropoutArgs {
  rate: number;
  seed: number;
}

const classes = new WeakMap<Tf, new (args: SeededDropoutArgs) => Layer>();

/**
 * The layer class of the given tfjs instance, defined and registered for (de)serialisation once per
 * instance; selectBackend calls this so a saved lenet-wide loads in a process that has built none.
 */
export function seededDropoutClass(tf: Tf): new (args: SeededDropoutArgs) => Layer {
  const known = classes.get(tf);
  if (known) return known;
  class SeededDropout extends tf.layers.Layer {
    static className = 'RelabelSeededDropout';
    private readonly rate: number;
    private readonly seed: number;
    private readonly rng: Rng;

    constructor(args: SeededDropoutArgs) {
      super({});
      if (!(args.rate >= 0 && args.rate < 1))
        throw new Error(`dropout rate must be in [0, 1), got ${args.rate}`);
      this.rate = args.rate;
      this.seed = args.seed;
      this.rng = mulberry32(args.seed);
    }

    override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!kwargs.training || this.rate === 0) return x;
      return tf.dropout(x, this.rate, undefined, Math.floor(this.rng() * 2 ** 31));
    }

    override getConfig() {
      return { ...super.getConfig(), rate: this.rate, seed: this.seed };
    }
  }
  tf.serialization.registerClass(SeededDropout);
  classes.set(tf, SeededDropout);
  return SeededDropout;
}

export function seededDropout(tf: Tf, args: SeededDropoutArgs): Layer {
  return new (seededDropoutClass(tf))(args);
}
