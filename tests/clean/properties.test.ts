import { describe, expect, it } from 'vitest';
import {
  computeConfidentJoint,
  estimateNoiseMatrices,
  FILTER_BY_METHODS,
  findLabelIssues,
  findLabelIssuesMask,
  getLabelQualityScores,
  numLabelIssues,
  orderLabelIssues,
  RANKED_BY_METHODS,
  suggestedLabels,
} from '../../src-main/core/clean';
import { prng } from './fixtures';

/** Random rows: Exp(1) weights plus a boost for a hidden class; ~15% of labels point elsewhere. */
function randomData(n: number, K: number, seed: number, quantize = 0) {
  const rand = prng(seed);
  const labels = new Int32Array(n);
  const probs = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    const truth = i < K ? i : Math.floor(rand() * K);
    let sum = 0;
    for (let j = 0; j < K; j++) {
      let w = -Math.log(1 - rand()) + (j === truth ? 3 * -Math.log(1 - rand()) : 0);
      if (quantize) w = Math.round(w * quantize) + 1;
      probs[i * K + j] = w;
      sum += w;
    }
    for (let j = 0; j < K; j++) probs[i * K + j] /= sum;
    labels[i] = i >= K && rand() < 0.15 ? Math.floor(rand() * K) : truth;
  }
  return { labels, probs };
}

const sizes = [2, 3, 5, 7, 10, 13, 20];

describe('properties on random probabilities (seeded), K = 2..20', () => {
  for (const K of sizes) {
    for (const quantize of [0, 4]) {
      const label = `K = ${K}${quantize ? ', coarse probabilities (many ties)' : ''}`;
      const { labels, probs } = randomData(60 * K, K, 1000 + K + quantize, quantize);
      const n = labels.length;

      it(`${label}: calibrated joint rows sum to the label counts, total n; raw joint ≤ n with diagonal ≥ 1`, () => {
        const counts = new Array<number>(K).fill(0);
        for (const y of labels) counts[y]++;
        const cal = computeConfidentJoint(labels, probs, K).joint;
        expect(cal.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(counts);
        const raw = computeConfidentJoint(labels, probs, K, { calibrate: false }).joint;
        expect(raw.flat().reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(n + K);
        raw.forEach((row, i) => expect(row[i]).toBeGreaterThanOrEqual(1));
      });

      it(`${label}: ranked results are the unranked set sorted by score; mask agrees`, () => {
        for (const filterBy of FILTER_BY_METHODS) {
          const unranked = Array.from(findLabelIssues(labels, probs, K, { filterBy }));
          expect([...unranked].sort((a, b) => a - b)).toEqual(unranked);
          const mask = findLabelIssuesMask(labels, probs, K, { filterBy });
          expect(mask.reduce((a, b) => a + b, 0)).toBe(unranked.length);
          for (const rankedBy of RANKED_BY_METHODS) {
            const ranked = Array.from(findLabelIssues(labels, probs, K, { filterBy, rankedBy }));
            expect([...ranked].sort((a, b) => a - b)).toEqual(unranked);
            const scores = getLabelQualityScores(labels, probs, K, rankedBy);
            const outOfOrder = ranked.filter((row, t) => t > 0 && scores[row] < scores[ranked[t - 1]]);
            expect(outOfOrder).toEqual([]);
            expect(Array.from(orderLabelIssues(mask, labels, probs, K, rankedBy))).toEqual(ranked);
          }
        }
      });

      it(`${label}: filter relations (both ⊆ each prune, counts of confident_learning and low_*)`, () => {
        const set = (filterBy: (typeof FILTER_BY_METHODS)[number]) =>
          new Set(findLabelIssues(labels, probs, K, { filterBy }));
        const byRate = set('prune_by_noise_rate');
        const byClass = set('prune_by_class');
        for (const i of set('both')) expect(byRate.has(i) && byClass.has(i)).toBe(true);
        const issues = numLabelIssues(labels, probs, K);
        expect(set('confident_learning').size).toBe(issues);
        expect(set('low_self_confidence').size).toBe(issues);
        expect(set('low_normalized_margin').size).toBe(issues);
        const suggested = suggestedLabels(probs, K);
        for (const i of set('predicted_neq_given')) expect(suggested[i]).not.toBe(labels[i]);
      });

      it(`${label}: a smaller frac_noise flags a subset`, () => {
        for (const filterBy of ['prune_by_noise_rate', 'prune_by_class', 'both'] as const) {
          const full = new Set(findLabelIssues(labels, probs, K, { filterBy }));
          const half = findLabelIssues(labels, probs, K, { filterBy, fracNoise: 0.5 });
          expect(half.length).toBeLessThanOrEqual(full.size);
          for (const i of half) expect(full.has(i)).toBe(true);
          expect(findLabelIssues(labels, probs, K, { filterBy, fracNoise: 0 }).length).toBe(0);
        }
      });

      it(`${label}: noise matrices are column-stochastic, py sums to 1`, () => {
        for (const convergeLatentEstimates of [false, true]) {
          const est = estimateNoiseMatrices(labels, probs, K, { convergeLatentEstimates });
          expect(est.py.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          for (const m of [est.noiseMatrix, est.invNoiseMatrix]) {
            for (let j = 0; j < K; j++) expect(m.reduce((a, row) => a + row[j], 0)).toBeCloseTo(1, 12);
          }
        }
      });
    }
  }

  it('Float32Array input gives the same result as the same values in a Float64Array', () => {
    const { labels, probs } = randomData(2000, 6, 7);
    const f32 = Float32Array.from(probs);
    const f64 = Float64Array.from(f32);
    for (const filterBy of FILTER_BY_METHODS) {
      expect(
        Array.from(findLabelIssues(labels, f32, 6, { filterBy, rankedBy: 'normalized_margin' })),
      ).toEqual(Array.from(findLabelIssues(labels, f64, 6, { filterBy, rankedBy: 'normalized_margin' })));
    }
  });

  it('numToRemovePerClass flags exactly that many per class with prune_by_class', () => {
    const { labels, probs } = randomData(600, 4, 11);
    const got = findLabelIssues(labels, probs, 4, {
      filterBy: 'prune_by_class',
      numToRemovePerClass: [5, 0, 3, 7],
    });
    const perClass = [0, 0, 0, 0];
    for (const i of got) perClass[labels[i]]++;
    // rows whose given label is (nearly) the argmax are dropped afterwards, so at most that many survive
    [5, 0, 3, 7].forEach((want, k) => expect(perClass[k]).toBeLessThanOrEqual(want));
    expect(perClass[1]).toBe(0);
  });
});
