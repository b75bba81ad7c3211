import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FilterBy, RankedBy } from '../../src-shared/domain';
import {
  computeConfidentJoint,
  estimateJoint,
  estimateNoiseMatrices,
  findLabelIssues,
  getLabelQualityScores,
  numLabelIssues,
  RANKED_BY_METHODS,
} from '../../src-main/core/clean';
import { argsortNumpy } from '../../src-main/core/clean/numpy-argsort';
import { CLEANLAB_DIR } from './fixtures';

interface TieCase {
  name: string;
  n: number;
  K: number;
  labels: number[];
  pred_probs: number[];
  issues: Record<string, number[]>;
  scores: Record<RankedBy, number[]>;
  confident_joint_calibrated: number[][];
  confident_joint_uncalibrated: number[][];
  thresholds: number[];
  num_label_issues: { off_diagonal: number; off_diagonal_calibrated: number };
  estimate_joint: number[][];
  latent_converged: { py: number[]; noise_matrix: number[][]; inv_noise_matrix: number[][] };
  variants: {
    options: {
      filter_by: FilterBy;
      frac_noise?: number;
      min_examples_per_class?: number;
      num_to_remove_per_class?: number[];
    };
    issues: number[];
  }[];
}

const data = JSON.parse(readFileSync(join(CLEANLAB_DIR, 'ties', 'cases.json'), 'utf8')) as {
  cases: TieCase[];
  argsort: { keys: number[]; argsort: number[] }[];
};

describe('np.argsort (numpy 1.24 introsort) on tied keys', () => {
  for (const { keys, argsort } of data.argsort) {
    it(`${keys.length} keys, ${new Set(keys).size} distinct: same permutation as numpy`, () => {
      expect(Array.from(argsortNumpy(keys))).toEqual(argsort);
    });
  }
});

for (const c of data.cases) {
  describe(`cleanlab 2.9.0 parity with ties: ${c.name}`, () => {
    const probs = Float64Array.from(c.pred_probs);
    const { labels, K } = c;

    it('every filter_by × ranking gives the same indices in the same order', () => {
      for (const [key, want] of Object.entries(c.issues)) {
        const [filterBy, rank] = key.split('__') as [FilterBy, string];
        const rankedBy = rank === 'unranked' ? null : (rank as RankedBy);
        expect(Array.from(findLabelIssues(labels, probs, K, { filterBy, rankedBy })), key).toEqual(want);
      }
    });

    it('frac_noise, min_examples_per_class and num_to_remove_per_class variants match', () => {
      for (const { options, issues } of c.variants) {
        const got = findLabelIssues(labels, probs, K, {
          filterBy: options.filter_by,
          rankedBy: 'self_confidence',
          fracNoise: options.frac_noise,
          minExamplesPerClass: options.min_examples_per_class,
          numToRemovePerClass: options.num_to_remove_per_class,
        });
        expect(Array.from(got), JSON.stringify(options)).toEqual(issues);
      }
    });

    it('label quality scores match (bit-exact without logarithms)', () => {
      for (const method of RANKED_BY_METHODS) {
        const got = getLabelQualityScores(labels, probs, K, method);
        if (method === 'confidence_weighted_entropy') {
          c.scores[method].forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-12));
        } else {
          expect(Array.from(got)).toEqual(c.scores[method]);
        }
      }
    });

    it('confident joints, thresholds, joint and num_label_issues are exact', () => {
      const calibrated = computeConfidentJoint(labels, probs, K);
      expect(calibrated.joint).toEqual(c.confident_joint_calibrated);
      expect(calibrated.thresholds).toEqual(c.thresholds);
      expect(computeConfidentJoint(labels, probs, K, { calibrate: false }).joint).toEqual(
        c.confident_joint_uncalibrated,
      );
      expect(estimateJoint(labels, probs, K)).toEqual(c.estimate_joint);
      expect(numLabelIssues(labels, probs, K)).toBe(c.num_label_issues.off_diagonal);
      expect(numLabelIssues(labels, probs, K, { estimationMethod: 'off_diagonal_calibrated' })).toBe(
        c.num_label_issues.off_diagonal_calibrated,
      );
    });

    it('converged py, noise matrix and inverse noise matrix are exact', () => {
      const est = estimateNoiseMatrices(labels, probs, K);
      expect(est.py).toEqual(c.latent_converged.py);
      expect(est.noiseMatrix).toEqual(c.latent_converged.noise_matrix);
      expect(est.invNoiseMatrix).toEqual(c.latent_converged.inv_noise_matrix);
    });
  });
}
