/**
 * The API's call names: the one list. A plain module without zod, so the sandboxed preload (which can neither
 * require zod nor should carry it) can check call names against it; src-shared/api.ts keys its schemas by it.
 */
export const API_NAMES = [
  'projectInfo',
  'importDataset',
  'listSamples',
  'startTraining',
  'cancelJob',
  'listRuns',
  'trainingBackends',
  'computeIssues',
  'listIssueSets',
  'stopSignal',
  'getIssues',
  'claimIssue',
  'decide',
  'acceptSuggestions',
  'previewAccept',
  'undo',
  'redo',
  'decisionHistory',
  'neighbours',
  'datasetHealth',
  'retrain',
  'compareRuns',
  'exportLabels',
  'classEvidence',
  'explainSample',
  'cancelExplain',
  'holdoutDisagreements',
] as const;

export type ApiName = (typeof API_NAMES)[number];
