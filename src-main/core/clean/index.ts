/** Confident learning with cleanlab 2.9.0 parity: public API of the core's clean module. */
export type { ProbabilityMatrix, ValidateOptions } from './validate';
export { validateInputs, PROBABILITY_RANGE_TOLERANCE, ROW_SUM_TOLERANCE } from './validate';
export type { ConfidentJointOptions, ConfidentJointResult, NumLabelIssuesMethod } from './confident-joint';
export {
  calibrateConfidentJoint,
  computeConfidentJoint,
  estimateJoint,
  getConfidentThresholds,
  numLabelIssues,
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
