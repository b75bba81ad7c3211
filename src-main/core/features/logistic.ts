import type { EmbeddingMatrix } from './linalg';

/** Per-feature standardisation fitted on training rows only: z = (x − mean) / scale. */
export interface Standardizer {
  mean: Float64Array;
  /** Standard deviation; 1 for a constant feature (as scikit-learn's StandardScaler). */
  scale: Float64Array;
}

export function fitStandardizer(m: EmbeddingMatrix, rows: Int32Array): Standardizer {
  const { mean, std } = m.moments(rows);
  return { mean, scale: std.map((s) => (s > 1e-12 ? s : 1)) };
}

/** A multinomial logistic regression on standardised features: p = softmax(W·z + b). */
export interface LogisticModel {
  numClasses: number;
  dim: number;
  /** numClasses × dim, row-major, on the standardised scale. */
  weights: Float64Array;
  bias: Float64Array;
  standardizer: Standardizer;
}

export interface FitOptions {
  /** Matrix rows to fit on, and the label (0..numClasses−1) of each. */
  rows: Int32Array;
  labels: Int32Array;
  numClasses: number;
  /** Inverse regularisation strength, as scikit-learn's C: minimises C·Σ wᵢ·lossᵢ + ½‖W‖² (bias not penalised). */
  C: number;
  /** Weight of each class's samples (default 1). */
  classWeights?: Float64Array;
  standardizer: Standardizer;
  /** Warm start (e.g. the solution for a neighbouring C). */
  init?: { weights: Float64Array; bias: Float64Array };
  /** Stop when the largest gradient component of the sample-weight-averaged objective is at most this. */
  tolerance?: number;
  maxIterations?: number;
}

export interface FitResult {
  model: LogisticModel;
  iterations: number;
  converged: boolean;
  /** Objective value (weighted mean loss + penalty / (C·Σw)) at the solution. */
  objective: number;
}

const HISTORY = 10;

/**
 * Multinomial logistic regression with an L2 penalty, the problem scikit-learn's
 * LogisticRegression(multi_class='multinomial', solver='lbfgs') solves, by L-BFGS with Armijo backtracking.
 * Standardisation is folded into the weights the kernels see, so the float16 matrix is never copied.
 */
export function fitLogistic(m: EmbeddingMatrix, o: FitOptions): FitResult {
  const K = o.numClasses;
  const D = m.dim;
  const n = o.rows.length;
  if (o.labels.length !== n) throw new Error(`${n} rows but ${o.labels.length} labels`);
  if (!(o.C > 0)) throw new Error(`C must be positive, got ${o.C}`);
  const sampleWeight = new Float64Array(n);
  let totalWeight = 0;
  for (let r = 0; r < n; r++) {
    const y = o.labels[r];
    if (!Number.isInteger(y) || y < 0 || y >= K)
      throw new Error(`label ${y} of row ${r} is outside 0..${K - 1}`);
    sampleWeight[r] = o.classWeights ? o.classWeights[y] : 1;
    totalWeight += sampleWeight[r];
  }
  if (!(totalWeight > 0)) throw new Error('the training rows have zero total weight');
  const penalty = 1 / (o.C * totalWeight);
  const { mean, scale } = o.standardizer;
  const P = K * D + K;

  const mark = m.mark();
  try {
    const idx = m.i32(o.rows);
    const v = m.f64(K * m.stride);
    const acc = m.f64(K * m.stride);

    /** Objective and gradient at theta = [W (K×D), b (K)]. */
    const evaluate = (theta: Float64Array, grad: Float64Array): number => {
      const vv = v.view();
      const shift = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        let s = theta[K * D + k];
        for (let d = 0; d < D; d++) {
          const w = theta[k * D + d] / scale[d];
          vv[k * m.stride + d] = w;
          s -= mean[d] * w;
        }
        shift[k] = s;
      }
      const sumG = new Float64Array(K);
      const p = new Float64Array(K);
      let loss = 0;
      acc.view().fill(0);
      m.scoreAndAccumulate(idx, n, v.ptr, K, acc.ptr, (first, count, sv, gv) => {
        for (let j = 0; j < count; j++) {
          const r = first + j;
          let max = -Infinity;
          for (let k = 0; k < K; k++) {
            p[k] = sv[j * K + k] + shift[k];
            if (p[k] > max) max = p[k];
          }
          let z = 0;
          for (let k = 0; k < K; k++) z += Math.exp(p[k] - max);
          const logZ = max + Math.log(z);
          const y = o.labels[r];
          const w = sampleWeight[r] / totalWeight;
          loss += w * (logZ - p[y]);
          for (let k = 0; k < K; k++) {
            const gk = w * (Math.exp(p[k] - logZ) - (k === y ? 1 : 0));
            gv[j * K + k] = gk;
            sumG[k] += gk;
          }
        }
      });
      const a = acc.view();
      let reg = 0;
      for (let k = 0; k < K; k++) {
        for (let d = 0; d < D; d++) {
          const w = theta[k * D + d];
          reg += w * w;
          grad[k * D + d] = (a[k * m.stride + d] - mean[d] * sumG[k]) / scale[d] + penalty * w;
        }
        grad[K * D + k] = sumG[k];
      }
      return loss + 0.5 * penalty * reg;
    };

    const theta = new Float64Array(P);
    if (o.init) {
      theta.set(o.init.weights);
      theta.set(o.init.bias, K * D);
    }
    const r = lbfgs(evaluate, theta, o.tolerance ?? 1e-5, o.maxIterations ?? 500);
    return {
      model: {
        numClasses: K,
        dim: D,
        weights: theta.slice(0, K * D),
        bias: theta.slice(K * D),
        standardizer: o.standardizer,
      },
      iterations: r.iterations,
      converged: r.converged,
      objective: r.f,
    };
  } finally {
    m.release(mark);
  }
}

/** Class probabilities (rows.length × numClasses, row-major) of the listed rows. */
export function predictProba(m: EmbeddingMatrix, model: LogisticModel, rows: Int32Array): Float64Array {
  const { numClasses: K, dim: D, weights, bias } = model;
  const { mean, scale } = model.standardizer;
  const mark = m.mark();
  try {
    const idx = m.i32(rows);
    const v = m.f64(K * m.stride);
    const out = m.f64(rows.length * K);
    const vv = v.view();
    const shift = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = bias[k];
      for (let d = 0; d < D; d++) {
        const w = weights[k * D + d] / scale[d];
        vv[k * m.stride + d] = w;
        s -= mean[d] * w;
      }
      shift[k] = s;
    }
    m.scores(idx, rows.length, v.ptr, K, out.ptr);
    const sv = out.view();
    const probs = new Float64Array(rows.length * K);
    for (let r = 0; r < rows.length; r++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, sv[r * K + k] + shift[k]);
      let z = 0;
      for (let k = 0; k < K; k++) z += probs[r * K + k] = Math.exp(sv[r * K + k] + shift[k] - max);
      for (let k = 0; k < K; k++) probs[r * K + k] /= z;
    }
    return probs;
  } finally {
    m.release(mark);
  }
}

/**
 * Limited-memory BFGS (two-loop recursion, 10 pairs) with Armijo backtracking, minimising in place.
 * Converged when the largest gradient component is at most `tolerance`, or when a step no longer changes the
 * objective at double precision.
 */
export function lbfgs(
  evaluate: (x: Float64Array, grad: Float64Array) => number,
  x: Float64Array,
  tolerance: number,
  maxIterations: number,
): { f: number; iterations: number; converged: boolean } {
  const P = x.length;
  const grad = new Float64Array(P);
  let f = evaluate(x, grad);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(P);
  const xNew = new Float64Array(P);
  const gNew = new Float64Array(P);
  const alpha = new Float64Array(HISTORY);
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < P; i++) s += a[i] * b[i];
    return s;
  };
  const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  for (let it = 0; it < maxIterations; it++) {
    if (maxAbs(grad) <= tolerance) return { f, iterations: it, converged: true };
    // Two-loop recursion: dir = −H·grad.
    for (let i = 0; i < P; i++) dir[i] = -grad[i];
    for (let j = S.length - 1; j >= 0; j--) {
      alpha[j] = rho[j] * dot(S[j], dir);
      for (let i = 0; i < P; i++) dir[i] -= alpha[j] * Y[j][i];
    }
    const last = S.length - 1;
    const gamma =
      last >= 0 ? dot(S[last], Y[last]) / dot(Y[last], Y[last]) : 1 / Math.max(1, Math.sqrt(dot(grad, grad)));
    for (let i = 0; i < P; i++) dir[i] *= gamma;
    for (let j = 0; j < S.length; j++) {
      const beta = rho[j] * dot(Y[j], dir);
      for (let i = 0; i < P; i++) dir[i] += (alpha[j] - beta) * S[j][i];
    }
    let slope = dot(grad, dir);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < P; i++) dir[i] = -grad[i] / Math.max(1, Math.sqrt(dot(grad, grad)));
      slope = dot(grad, dir);
    }
    let step = 1;
    let fNew = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < P; i++) xNew[i] = x[i] + step * dir[i];
      fNew = evaluate(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f)) return { f, iterations: it, converged: false };
    const s = new Float64Array(P);
    const y = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - grad[i];
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === HISTORY) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const change = f - fNew;
    x.set(xNew);
    grad.set(gNew);
    f = fNew;
    if (change <= 1e-15 * Math.max(1, Math.abs(f)))
      return { f, iterations: it + 1, converged: maxAbs(grad) <= tolerance * 10 };
  }
  return { f, iterations: maxIterations, converged: maxAbs(grad) <= tolerance };
}
