import type { Metrics, PerClassMetrics } from '../../../src-shared/domain';
import { calibrationSummary } from './calibration';

/** Row-wise argmax of an n×k row-major matrix; −1 for a row holding NaN (no prediction). */
export function argmaxRows(probs: ArrayLike<number>, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 1 || probs.length % k !== 0) {
    throw new Error(`probability matrix of length ${probs.length} is not a whole number of rows of ${k}`);
  }
  const out = new Int32Array(probs.length / k);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < k; c++) {
      const v = probs[r * k + c];
      if (Number.isNaN(v)) {
        best = -1;
        break;
      }
      if (v > bestValue) [best, bestValue] = [c, v];
    }
    out[r] = best;
  }
  return out;
}

function checkLabel(kind: string, v: number, i: number, numClasses: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
    throw new Error(`${kind} label of row ${i} is ${v}; expected an integer in 0..${numClasses - 1}`);
  }
}

/**
 * Accuracy, per-class precision/recall/F1, confusion[true][predicted], balanced accuracy (mean recall
 * over the classes present in `trueLabels`) and HTER = 1 − balanced accuracy.
 */
export function computeMetrics(
  trueLabels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): Metrics {
  const n = trueLabels.length;
  if (predicted.length !== n) throw new Error(`${n} true labels but ${predicted.length} predictions`);
  if (n === 0) throw new Error('cannot compute metrics of an empty set of samples');
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    checkLabel('true', trueLabels[i], i, numClasses);
    checkLabel('predicted', predicted[i], i, numClasses);
    confusion[trueLabels[i]][predicted[i]]++;
    if (trueLabels[i] === predicted[i]) correct++;
  }
  const perClass: PerClassMetrics[] = [];
  let recallSum = 0;
  let present = 0;
  for (let c = 0; c < numClasses; c++) {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass.push({ classId: c, precision, recall, f1, support });
    if (support) {
      recallSum += recall;
      present++;
    }
  }
  const balancedAccuracy = recallSum / present;
  return { accuracy: correct / n, hter: 1 - balancedAccuracy, balancedAccuracy, confusion, perClass, n };
}

/** computeMetrics of the top-class predictions of `probs` (n × k) plus their calibration (ECE, mean confidence). */
export function scoreProbabilityRows(
  trueLabels: ArrayLike<number>,
  probs: ArrayLike<number>,
  numClasses: number,
): Metrics {
  const metrics = computeMetrics(trueLabels, argmaxRows(probs, numClasses), numClasses);
  const { ece, meanConfidence } = calibrationSummary(probs, trueLabels, numClasses);
  return { ...metrics, ece, meanConfidence };
}
