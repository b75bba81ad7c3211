import {
  add,
  backend_util,
  FusedBatchNorm,
  getGradient,
  Mean,
  mul,
  registerGradient,
  reshape,
  rsqrt,
  scalar,
  sub,
  sum,
  Sum,
  tile,
  util,
  type GradConfig,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

/**
 * tfjs-core's batch-norm gradient with a per-channel mean tiles 1/√var to the full activation shape
 * before multiplying (the single most expensive kernel of a cnn training step on wasm). This one is the
 * same math with broadcasting instead.
 */
function registerBatchNormGradient(): void {
  registerGradient({
    kernelName: FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const g = dy as Tensor;
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved;
      const scaleValue = scale ?? scalar(1);
      const axes = backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: Tensor) => reshape(mean.rank === 1 ? sum(t, axes) : t, mean.shape);
      const xMinusMean = sub(x, mean);
      const dyTimesScale = mul(g, scaleValue);
      const invStd = rsqrt(add(variance, scalar(varianceEpsilon)));
      const minusHalfInvStdCubed = mul(mul(mul(invStd, invStd), invStd), scalar(-0.5));
      return {
        x: () => reshape(mul(mul(g, invStd), scaleValue), x.shape),
        mean: () => reduce(mul(mul(invStd, scalar(-1)), dyTimesScale)),
        variance: () => reduce(mul(mul(minusHalfInvStdCubed, xMinusMean), dyTimesScale)),
        scale: () => reduce(mul(g, mul(xMinusMean, invStd))),
        offset: () => reduce(g),
      };
    },
  });
}

/**
 * Sum/mean over leading axes (batch-norm moments) broadcast dy back with one tile of a [1,…,1,C] row
 * instead of reshape → ones(x.shape) → multiply (→ divide); other reductions keep tfjs' gradient.
 */
function registerLeadingReductionGradient(kernelName: typeof Sum | typeof Mean): void {
  const original = getGradient(kernelName) as GradConfig | undefined;
  if (!original) return; // tfjs-layers registers them; without it there is nothing to speed up
  registerGradient({
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs: NamedAttrMap) => {
      const [x] = saved;
      const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
      if (!axes.every((a, i) => a === i) || axes.length === 0) return original.gradFunc(dy, saved, attrs);
      const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
      const rowShape = x.shape.map((d, i) => (i < axes.length ? 1 : d));
      const reps = x.shape.map((d, i) => (i < axes.length ? d : 1));
      return {
        x: () => {
          const row = reshape(
            kernelName === Mean ? mul(dy as Tensor, scalar(1 / rows)) : (dy as Tensor),
            rowShape,
          );
          return tile(row, reps);
        },
      };
    },
  });
}

let registered = false;

/** Faster gradients for the tfjs-core instance this module imports (the wasm/cpu path). */
export function registerFastGradients(): void {
  if (registered) return;
  registerBatchNormGradient();
  registerLeadingReductionGradient(Sum);
  registerLeadingReductionGradient(Mean);
  registered = true;
}
