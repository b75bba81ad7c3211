/**
 * The one API contract between the renderer and the main side.
 *
 * Every call has a zod schema for its input (validated at each boundary: IPC handler, HTTP route)
 * and a TypeScript type for its output. The Electron preload, the `relabel serve` HTTP server and the
 * renderer's transport clients are all typed from this file, so a call cannot drift between them.
 */
import { z } from 'zod';
import { AUGMENT_MODES, CALIBRATION_METHODS } from './domain';
import type {
  ClassInfo,
  DatasetInfo,
  Decision,
  DecisionEvent,
  IssueSetInfo,
  LabelIssue,
  Metrics,
  RunSummary,
  Sample,
} from './domain';

const sampleIndex = z.number().int().min(0);
const classId = z.number().int().min(0).max(9999);

export const filterBySchema = z.enum([
  'prune_by_noise_rate',
  'prune_by_class',
  'both',
  'confident_learning',
  'predicted_neq_given',
  'low_self_confidence',
  'low_normalized_margin',
]);
export const rankedBySchema = z.enum(['self_confidence', 'normalized_margin', 'confidence_weighted_entropy']);

export const trainConfigSchema = z
  .object({
    model: z.enum(['baseline', 'cnn']),
    folds: z.number().int().min(2).max(20),
    epochs: z.number().int().min(1).max(500),
    batchSize: z.number().int().min(1).max(4096),
    learningRate: z.number().positive().max(1),
    backend: z.enum(['auto', 'gpu', 'node', 'wasm', 'cpu']),
    seed: z.number().int(),
    workers: z.number().int().min(1).max(64),
    validationFraction: z.number().min(0).max(0.5),
    patience: z.number().int().min(1).max(100),
    classWeights: z.boolean(),
    augment: z.enum(AUGMENT_MODES),
    calibration: z.enum(CALIBRATION_METHODS),
  })
  .partial()
  .strict();

export const issueFilterSchema = z
  .object({
    givenClass: classId.optional(),
    suggestedClass: classId.optional(),
    status: z.enum(['all', 'decided', 'undecided']).default('all'),
    minQuality: z.number().min(0).max(1).optional(),
    maxQuality: z.number().min(0).max(1).optional(),
  })
  .strict();

export const apiInputs = {
  /** Everything the shell needs to draw: dataset, classes, counts, runs, review progress. */
  projectInfo: z.object({}).strict(),
  /** Import a dataset into the open project (replaces the previous dataset, keeps every decision). */
  importDataset: z
    .object({
      source: z.string().min(1).max(4096),
      labels: z.string().min(1).max(4096).optional(),
      inputSize: z.number().int().min(8).max(512).optional(),
      onBadImage: z.enum(['skip', 'stop']).default('stop'),
    })
    .strict(),
  listSamples: z
    .object({
      classId: classId.optional(),
      search: z.string().max(256).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    })
    .strict(),
  startTraining: z.object({ config: trainConfigSchema.default({}) }).strict(),
  cancelJob: z.object({ jobId: z.string().min(1).max(64) }).strict(),
  listRuns: z.object({}).strict(),
  /** Rank issues of a finished cross-validation run (default: the latest) and make them the review queue. */
  computeIssues: z
    .object({
      runId: z.number().int().min(1).optional(),
      filterBy: filterBySchema.default('prune_by_noise_rate'),
      rankedBy: rankedBySchema.default('self_confidence'),
    })
    .strict(),
  getIssues: z
    .object({
      filter: issueFilterSchema.default({}),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(50),
    })
    .strict(),
  /** One decision applied to one or several samples (a bulk action is one undo step). */
  decide: z
    .object({
      sampleIndices: z.array(sampleIndex).min(1).max(100_000),
      action: z.enum(['keep', 'relabel', 'exclude']),
      newLabel: classId.optional(),
    })
    .strict()
    .refine((d) => d.action !== 'relabel' || d.newLabel !== undefined, {
      message: 'relabel needs newLabel',
      path: ['newLabel'],
    }),
  /** Accept the suggested label of every issue in the filter whose quality is at most maxQuality. */
  acceptSuggestions: z
    .object({ filter: issueFilterSchema.default({}), maxQuality: z.number().min(0).max(1) })
    .strict(),
  undo: z.object({}).strict(),
  redo: z.object({}).strict(),
  decisionHistory: z.object({ sampleIndex }).strict(),
  /** Train on the cleaned labels and evaluate before vs after on the same held-out split. */
  retrain: z.object({ config: trainConfigSchema.default({}) }).strict(),
  compareRuns: z.object({}).strict(),
  exportLabels: z.object({ outDir: z.string().min(1).max(4096) }).strict(),
} as const;

export type ApiName = keyof typeof apiInputs;
/** What a caller passes (defaults may be left out). */
export type ApiInput<K extends ApiName> = z.input<(typeof apiInputs)[K]>;
/** What a handler receives after validation (defaults filled in). */
export type ApiParsed<K extends ApiName> = z.output<(typeof apiInputs)[K]>;

export interface ProjectInfo {
  projectPath: string;
  projectName: string;
  dataset: DatasetInfo | null;
  classes: ClassInfo[];
  /** Given-label counts, indexed by class id. */
  classCounts: number[];
  latestCvRunId: number | null;
  issueSet: IssueSetInfo | null;
  reviewed: number;
  decisions: { keep: number; relabel: number; exclude: number };
  annotator: string;
  /** What trains: the backend the next run will try first, as far as it is known. */
  transport: 'electron' | 'http';
  activeJobs: JobEvent[];
}

export interface IssuePage {
  set: IssueSetInfo | null;
  /** Issues matching the filter. */
  total: number;
  /** Issues of the whole set, and how many of them have a decision. */
  setTotal: number;
  reviewed: number;
  offset: number;
  issues: LabelIssue[];
}

export interface DecideResult {
  batchId: string;
  decisions: Decision[];
}

export interface UndoResult {
  /** Sample indices whose decision changed; empty when there was nothing to undo/redo. */
  changed: number[];
  decisions: (Decision | null)[];
}

export interface ExportResult {
  outDir: string;
  files: string[];
  counts: { total: number; relabeled: number; excluded: number; kept: number; undecided: number };
}

export interface Comparison {
  before: RunSummary | null;
  after: RunSummary | null;
  /** Human-readable caveats, e.g. that the hold-out labels include reviewed corrections. */
  notes: string[];
}

export interface ApiOutputs {
  projectInfo: ProjectInfo;
  importDataset: { jobId: string };
  listSamples: { total: number; samples: Sample[] };
  startTraining: { jobId: string };
  cancelJob: { cancelled: boolean };
  listRuns: RunSummary[];
  computeIssues: IssueSetInfo;
  getIssues: IssuePage;
  decide: DecideResult;
  acceptSuggestions: DecideResult;
  undo: UndoResult;
  redo: UndoResult;
  decisionHistory: DecisionEvent[];
  retrain: { jobId: string };
  compareRuns: Comparison;
  exportLabels: ExportResult;
}

/** Progress of a long job (import, training, retraining), pushed as an event. */
export interface JobEvent {
  jobId: string;
  kind: 'import' | 'train' | 'retrain';
  status: 'running' | 'done' | 'failed' | 'cancelled';
  /** Short phase label, e.g. "fold 2/5", "decoding images". */
  phase: string;
  done: number;
  total: number;
  etaSeconds: number | null;
  message: string;
  runId: number | null;
  fold: number | null;
  epoch: number | null;
  /** Latest epoch metrics, for live curves. */
  point: { loss: number; accuracy: number; valLoss?: number; valAccuracy?: number } | null;
  error: string | null;
  /** Which backend is training, once known. */
  backend: string | null;
}

export type ApiEvent =
  | { type: 'job'; job: JobEvent }
  | { type: 'decisions'; sampleIndices: number[] }
  | { type: 'project'; reason: 'imported' | 'run-finished' | 'issues-computed' };

/** The API as implemented by the service and as seen by the renderer. */
export type RelabelApi = {
  [K in ApiName]: (input: ApiInput<K>) => Promise<ApiOutputs[K]>;
};

/** Listener registration; returns the unsubscribe function. */
export type Subscribe = (listener: (event: ApiEvent) => void) => () => void;

/** Error every transport carries the same way: a user-facing message and a stable code. */
export interface ApiErrorBody {
  error: { code: 'invalid_input' | 'not_found' | 'conflict' | 'failed' | 'unauthorized'; message: string };
}

export const apiNames = Object.keys(apiInputs) as ApiName[];

/** Media URLs are the one thing the transports spell differently; both serve the same bytes. */
export type MediaKind = 'image' | 'thumb';

export type { ClassInfo, Metrics };
