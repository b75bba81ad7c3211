import type { ApiName } from '../src-shared/api';

/**
 * The API call names, as a plain list: src-shared/api.ts builds its list from the zod schemas, and a
 * sandboxed preload can neither require zod nor should it carry it. The type below fails to compile
 * when a call is added to the contract but not here (tests/electron checks the runtime list too).
 */
export const callNames = [
  'projectInfo',
  'importDataset',
  'listSamples',
  'startTraining',
  'cancelJob',
  'listRuns',
  'computeIssues',
  'getIssues',
  'decide',
  'acceptSuggestions',
  'undo',
  'redo',
  'decisionHistory',
  'neighbours',
  'retrain',
  'compareRuns',
  'exportLabels',
] as const satisfies readonly ApiName[];

type Missing = Exclude<ApiName, (typeof callNames)[number]>;
const everyNameListed: [Missing] extends [never] ? true : Missing = true;
void everyNameListed;
