/**
 * Confident learning with cleanlab 2.9.0 parity: the public API of the core's clean module.
 *
 * The algorithm is C. G. Northcutt, L. Jiang, I. L. Chuang, "Confident Learning: Estimating Uncertainty in
 * Dataset Labels", Journal of Artificial Intelligence Research 70 (2021) 1373–1411. The confident joint C
 * (confident-joint.ts) is the paper's eq. (1), calibrated by eq. (2) and normalised to the joint Q (eq. 3);
 * the filters of filter.ts / prune.ts are its section 3.2 ("rank and prune": C_confusion = predicted ≠ given,
 * C_{ỹ,y*} = confident_learning, prune by class, prune by noise rate, both); the label quality scores of rank.ts
 * (self-confidence, normalized margin, confidence-weighted entropy) are cleanlab's ranking methods built on it.
 * Each module names the cleanlab function it matches; tests/clean pins every result to cleanlab 2.9.0's.
 */
export type { ProbabilityMatrix, ValidateOptions } from './validate';
export { validateInputs, PROBABILITY_RANGE_TOLERANCE, ROW_SUM_TOLERANCE } from './validate';
export type { ConfidentJointOptions, ConfidentJointResult, NumLabelIssuesMethod } from './confident-joint';
export {
  calibrateConfidentJoint,
  computeConfidentJoint,
  estimateJoint,
  getConfidentThresholds,
  numLabelIssues,
  offDiagonalIssueRows,
} from './confident-joint';
export type { LatentEstimates, LatentOptions, NoiseMatrices, PyMethod } from './noise-matrices';
export { estimateLatent, estimateNoiseMatrices } from './noise-matrices';
export type { FindLabelIssuesOptions } from './filter';
// The method names are the contract's (one list); re-exported for the engine's users.
export { FILTER_BY_METHODS, RANKED_BY_METHODS } from '../../../src-shared/domain';
export { findLabelIssues, findLabelIssuesMask } from './filter';
export { getLabelQualityScores, orderLabelIssues, suggestedLabels } from './rank';
export type { PredProbsCsv } from './pred-probs-csv';
export { parsePredProbsCsv, readPredProbsCsv } from './pred-probs-csv';
