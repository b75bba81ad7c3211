import { describe, expect, it } from 'vitest';
import {
  computeConfidentJoint,
  findLabelIssues,
  getLabelQualityScores,
  numLabelIssues,
  validateInputs,
} from '../../src-main/core/clean';

const good = () => ({
  labels: [0, 1, 1],
  probs: Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.3, 0.7]),
});

describe('input validation', () => {
  it('accepts valid input and returns Int32 labels', () => {
    const { labels, probs } = good();
    expect(Array.from(validateInputs(labels, probs, 2))).toEqual([0, 1, 1]);
    expect(validateInputs(labels, Float32Array.from(probs), 2)).toBeInstanceOf(Int32Array);
  });

  it('rows that do not sum to 1 name the row', () => {
    const { labels, probs } = good();
    probs[2] = 0.5; // row 1: 0.5 + 0.8
    expect(() => findLabelIssues(labels, probs, 2)).toThrow(/row 1: probabilities sum to 1\.3, not 1/);
  });

  it('NaN and Infinity name the row and class', () => {
    const { labels, probs } = good();
    probs[5] = NaN;
    expect(() => findLabelIssues(labels, probs, 2)).toThrow('row 2: probability of class 1 is NaN');
    probs[5] = Infinity;
    expect(() => getLabelQualityScores(labels, probs, 2)).toThrow(
      'row 2: probability of class 1 is Infinity',
    );
    probs[5] = -0.2;
    expect(() => computeConfidentJoint(labels, probs, 2)).toThrow(
      'row 2: probability of class 1 is -0.2, outside [0, 1]',
    );
  });

  it('wrong shape', () => {
    const { labels, probs } = good();
    expect(() => findLabelIssues(labels, probs.subarray(0, 5), 2)).toThrow(
      'pred_probs has 5 values, expected n×K = 3×2 = 6',
    );
    expect(() => findLabelIssues([], new Float64Array(0), 2)).toThrow('labels is empty');
    expect(() => findLabelIssues(labels, [0.5, 0.5] as unknown as Float64Array, 2)).toThrow(
      /Float64Array or Float32Array/,
    );
  });

  it('labels outside 0..K-1 or not integers name the row', () => {
    const { probs } = good();
    expect(() => findLabelIssues([0, 2, 1], probs, 2)).toThrow(
      'row 1: label 2 is not an integer class index in 0..1',
    );
    expect(() => findLabelIssues([0, 1, -1], probs, 2)).toThrow('row 2: label -1');
    expect(() => findLabelIssues([0.5, 1, 1], probs, 2)).toThrow('row 0: label 0.5');
  });

  it('fewer than two classes', () => {
    expect(() => findLabelIssues([0], Float64Array.from([1]), 1)).toThrow(
      'need at least two classes, got K = 1',
    );
    const { probs } = good();
    expect(() => findLabelIssues([1, 1, 1], probs, 2)).toThrow('labels contain only class 1');
    expect(() => numLabelIssues([0, 0, 0], probs, 2)).toThrow('labels contain only class 0');
    // scoring alone does not need two label classes (as in cleanlab)
    expect(Array.from(getLabelQualityScores([1, 1, 1], probs, 2))).toEqual([0.1, 0.8, 0.7]);
  });

  it('option errors', () => {
    const { labels, probs } = good();
    expect(() => findLabelIssues(labels, probs, 2, { filterBy: 'nope' as never })).toThrow(
      "unknown filterBy 'nope'",
    );
    expect(() => findLabelIssues(labels, probs, 2, { rankedBy: 'x' as never })).toThrow(
      "unknown rankedBy 'x'",
    );
    expect(() => findLabelIssues(labels, probs, 2, { fracNoise: 1.5 })).toThrow(
      'fracNoise must be a number in [0, 1]',
    );
    expect(() => findLabelIssues(labels, probs, 2, { numToRemovePerClass: [1] })).toThrow('K = 2 entries');
    expect(() =>
      findLabelIssues(labels, probs, 2, { filterBy: 'confident_learning', numToRemovePerClass: [1, 1] }),
    ).toThrow(/only supported with filterBy prune_by_noise_rate/);
    expect(() => findLabelIssues(labels, probs, 2, { confidentJoint: [[1, 2]] })).toThrow(
      'confidentJoint must be 2×2',
    );
    expect(() => getLabelQualityScores(labels, probs, 2, 'other' as never)).toThrow(
      "unknown ranking method 'other'",
    );
  });

  it('a supplied confident joint is used as is', () => {
    const { labels, probs } = good();
    // with no off-diagonal counts there is nothing to prune
    expect(
      Array.from(
        findLabelIssues(labels, probs, 2, {
          confidentJoint: [
            [1, 0],
            [0, 2],
          ],
        }),
      ),
    ).toEqual([]);
  });
});
