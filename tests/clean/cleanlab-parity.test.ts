import { describe, expect, it } from 'vitest';
import type { FilterBy, RankedBy } from '../../src-shared/domain';
import {
  computeConfidentJoint,
  estimateNoiseMatrices,
  findLabelIssues,
  findLabelIssuesMask,
  getLabelQualityScores,
  numLabelIssues,
} from '../../src-main/core/clean';
import { loadFmnist, readMatrix, readNumbers, readSummary } from './fixtures';

const FILTERS: FilterBy[] = [
  'prune_by_noise_rate',
  'prune_by_class',
  'both',
  'confident_learning',
  'predicted_neq_given',
];
const RANKS: RankedBy[] = ['self_confidence', 'normalized_margin', 'confidence_weighted_entropy'];

describe('cleanlab 2.9.0 parity on Fashion-MNIST out-of-fold probabilities (n = 10000, K = 10)', () => {
  const { labels, probs, n, K } = loadFmnist();

  it('reads the fixture', () => {
    expect([n, K]).toEqual([10000, 10]);
  });

  for (const filterBy of FILTERS) {
    for (const rankedBy of [...RANKS, null]) {
      const file = `${filterBy}__${rankedBy ?? 'unranked'}.txt`;
      it(`find_label_issues ${file}: same indices in the same order`, () => {
        const got = Array.from(findLabelIssues(labels, probs, K, { filterBy, rankedBy }));
        expect(got).toEqual(readNumbers(file));
      });
    }
    it(`${filterBy}: the mask flags exactly the unranked set`, () => {
      const mask = findLabelIssuesMask(labels, probs, K, { filterBy });
      const flagged = [...mask.keys()].filter((i) => mask[i] === 1);
      expect(flagged).toEqual(readNumbers(`${filterBy}__unranked.txt`));
    });
  }

  it('default options are prune_by_noise_rate, unranked', () => {
    expect(Array.from(findLabelIssues(labels, probs, K))).toEqual(
      readNumbers('prune_by_noise_rate__unranked.txt'),
    );
  });

  for (const method of RANKS) {
    it(`get_label_quality_scores ${method} within 1e-9`, () => {
      const got = getLabelQualityScores(labels, probs, K, method);
      const want = readNumbers(`label_quality_${method}.txt`);
      expect(got.length).toBe(want.length);
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      expect(maxDiff).toBeLessThan(1e-9);
      // Without logarithms the arithmetic is the same operation for operation: bit-exact.
      if (method !== 'confidence_weighted_entropy') expect(Array.from(got)).toEqual(want);
    });
  }

  it('compute_confident_joint(labels, pred_probs) is exact', () => {
    expect(computeConfidentJoint(labels, probs, K).joint).toEqual(
      readMatrix('confident_joint_from_pred_probs.txt'),
    );
  });

  it('calibrate=True and calibrate=False joints match summary.json', () => {
    const summary = readSummary();
    expect(computeConfidentJoint(labels, probs, K, { calibrate: true }).joint).toEqual(
      summary.confident_joint_calibrated,
    );
    expect(computeConfidentJoint(labels, probs, K, { calibrate: false }).joint).toEqual(
      summary.confident_joint_uncalibrated,
    );
  });

  it('num_label_issues matches summary.json for both estimation methods', () => {
    const summary = readSummary();
    expect(numLabelIssues(labels, probs, K)).toBe(summary.num_label_issues_off_diagonal);
    expect(numLabelIssues(labels, probs, K, { estimationMethod: 'off_diagonal_calibrated' })).toBe(
      summary.num_label_issues_off_diagonal_calibrated,
    );
    // off_diagonal_calibrated is off_diagonal_custom applied to the calibrated joint
    const confidentJoint = computeConfidentJoint(labels, probs, K).joint;
    expect(
      numLabelIssues(labels, probs, K, { estimationMethod: 'off_diagonal_custom', confidentJoint }),
    ).toBe(summary.num_label_issues_off_diagonal_calibrated);
  });

  // The CV run's confident joint was computed from these very probabilities (the CSV holds them bit-exact), and
  // estimate_py_noise_matrices_and_cv_pred_proba does not converge the estimates: same computation, same bits.
  it('noise matrix, inverse noise matrix and py of the CV run are reproduced bit for bit', () => {
    const est = estimateNoiseMatrices(labels, probs, K, { convergeLatentEstimates: false });
    expect(est.confidentJoint).toEqual(readMatrix('confident_joint.txt'));
    expect(est.noiseMatrix).toEqual(readMatrix('noise_matrix.txt'));
    expect(est.invNoiseMatrix).toEqual(readMatrix('inv_noise_matrix.txt'));
    expect(est.py).toEqual(readNumbers('py.txt'));
    expect(est.noiseMatrix).toEqual(readSummary().noise_matrix);
  });
});
