import type * as tfCore from '@tensorflow/tfjs-core';
import type * as tfLayers from '@tensorflow/tfjs-layers';

/**
 * The tfjs API the engine uses: one tfjs-core instance plus tfjs-layers bound to it. Models and tensors
 * are always made through the `Tf` object of the selected backend, never through a separately imported
 * tfjs-core (tfjs-node brings its own `@tensorflow/tfjs`, which may be a different core instance).
 */
export type Tf = typeof tfCore & typeof tfLayers;
export type { BackendName, BackendChoice } from '../../../src-shared/domain';
