/** Training engine: tfjs backends, models, stratified K-fold, worker pool, metrics. No SQLite, no Electron. */
export { selectBackend, type SelectedBackend } from './backend';
export { defaultTrainConfig, validateTrainConfig } from './config';
export {
  crossValidate,
  trainAndEvaluate,
  validateTrainingData,
  type CrossValidateOptions,
  type CrossValidateResult,
  type TrainAndEvaluateOptions,
  type TrainAndEvaluateResult,
} from './cross-validate';
export { argmaxRows, computeMetrics } from './metrics';
export { buildModel, MIN_INPUT_SIDE, type InputShape } from './models';
export {
  restoreModel,
  serializeModel,
  validateModelSpec,
  type ModelSpec,
  type SerializedModel,
} from './model-weights';
export { stratifiedKFold, stratifiedSplit } from './split';
export { AbortError } from './trainer';
export type { Tf } from './tf';
export type { FoldResult, TrainingData, TrainProgress } from './types';
