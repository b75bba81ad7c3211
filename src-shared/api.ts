/**
 * The one API contract between the renderer and the main side.
 *
 * Every call has a zod schema for its input (validated at each boundary: IPC handler, HTTP route)
 * and a TypeScript type for its output. The Electron preload, the `relabel serve` HTTP server and the
 * renderer's transport clients are all typed from this file, so a call cannot drift between them.
 */
import { z } from 'zod';
import {
  DECISION_ACTIONS,
  MAX_AVERAGED_RUNS,
  DEFAULT_RANKED_BY,
  DEFAULT_ISSUE_TYPE,
  FILTER_BY_METHODS,
  ISSUE_TYPES,
  RANKED_BY_METHODS,
  type ClassInfo,
  type DatasetInfo,
  type Decision,
  type DecisionEvent,
  type IssueSetInfo,
  type LabelIssue,
  type Metrics,
  type RunSummary,
  type SampleWithDecision,
  type TrainConfig,
} from './domain';
import { API_NAMES, type ApiName } from './api-names';
import type { BackendDiagnosis } from './diagnosis';
import type { ClassEvidence, HoldoutDisagreements, SaliencyResult } from './evidence';
import type { DatasetHealth } from './health';
import type { RoundSummary, StopSignal } from './rounds';
import { cvOverridesSchema, trainOverridesSchema } from './train-config';

const sampleIndex = z.number().int().min(0);
/** Nearest neighbours the review shows per image, and the most a caller may ask for. */
export const DEFAULT_NEIGHBOURS = 6;
export const MAX_NEIGHBOURS = 24;

/**
 * The most images one decision may cover (a bulk decide, accepting suggestions): it is one SQLite transaction —
 * one undo step, saved whole or not at all — and must stay short (tens of milliseconds) so that other clients are
 * not kept waiting. The review UI decides at most a page at a time.
 */
export const MAX_BULK_DECISIONS = 2_000;

/** Pages start anywhere in a dataset, never past what an SQLite integer and a JS number both hold exactly. */
const pageOffset = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const classId = z.number().int().min(0).max(9999);

export const filterBySchema = z.enum(FILTER_BY_METHODS);
export const rankedBySchema = z.enum(RANKED_BY_METHODS);
export const ISSUE_STATUSES = ['all', 'decided', 'undecided'] as const;

/**
 * An id the client picks for one mutation; the `decisions` event it causes carries it back, so the client that
 * made a change recognises its own echo exactly.
 */
const requestId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'requestId: 1–64 letters, digits, _ or -')
  .optional();

/** A review session: one browser tab or desktop window, with its own undo stack and claim. */
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'session: 8–64 letters, digits, _ or -');

/** Who makes a change: the annotator's name (recorded with each decision) and their review session. */
const reviewer = z
  .object({
    session: sessionId,
    annotator: z
      .string()
      .trim()
      .min(1)
      .max(64)
      // eslint-disable-next-line no-control-regex -- names are shown and exported: no control characters
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'annotator: no control characters'),
  })
  .strict();

/**
 * The issue the caller shows next, claimed for it in the same call (so moving on after a decision costs no call
 * of its own); null releases its claim. Needs `by`.
 */
const focus = sampleIndex.nullable().optional();

/** An issue set by id; the latest set (the review queue) when left out. */
const setId = z.number().int().min(1).optional();

export const issueFilterSchema = z
  .object({
    /** Which issues: label issues of the set (default), or the dataset's duplicates or outliers. */
    type: z.enum(ISSUE_TYPES).default(DEFAULT_ISSUE_TYPE),
    givenClass: classId.optional(),
    suggestedClass: classId.optional(),
    status: z.enum(ISSUE_STATUSES).default('all'),
    minQuality: z.number().min(0).max(1).optional(),
    maxQuality: z.number().min(0).max(1).optional(),
  })
  .strict();

/** Which issues a bulk accept is about: a score cap over the filter, explicit issues, or both. */
const acceptSelection = z.object({
  setId,
  filter: issueFilterSchema.default({}),
  maxQuality: z.number().min(0).max(1).optional(),
  sampleIndices: z
    .array(sampleIndex)
    .min(1)
    .max(MAX_BULK_DECISIONS)
    .transform((indices) => [...new Set(indices)])
    .optional(),
});

const selects = (s: { maxQuality?: number; sampleIndices?: number[] }) =>
  s.maxQuality !== undefined || s.sampleIndices !== undefined;
const selectsMessage = { message: 'give maxQuality, sampleIndices or both', path: ['maxQuality'] };
/** Suggestions are accepted from a set's label issues: a duplicate or outlier is decided one by one (decide). */
const labelIssuesOnly = (s: { filter: { type: string } }) => s.filter.type === DEFAULT_ISSUE_TYPE;
const labelIssuesOnlyMessage = {
  message: `suggestions are accepted from label issues only (filter type '${DEFAULT_ISSUE_TYPE}'); decide duplicates and outliers with decide`,
  path: ['filter', 'type'],
};

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
      /** Names of classes 0, 1, … for integer labels (default: classes.txt beside the label file). */
      classNames: z.array(z.string().min(1).max(200)).min(2).max(1000).optional(),
      allowEmptyClasses: z.boolean().optional(),
    })
    .strict(),
  /** A page of the dataset's samples, each with its current decision. */
  listSamples: z
    .object({
      classId: classId.optional(),
      search: z.string().max(256).optional(),
      offset: pageOffset.default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    })
    .strict(),
  /** Cross-validation, then ranking: on the reviewed labels by default once decisions exist (a new round). */
  startTraining: z.object({ config: cvOverridesSchema.default({}) }).strict(),
  cancelJob: z.object({ jobId: z.string().min(1).max(64) }).strict(),
  listRuns: z.object({}).strict(),
  /** Which training backends will load here and why a faster one will not, with the fix (as `relabel doctor`). */
  trainingBackends: z.object({}).strict(),
  /**
   * Rank issues of a finished cross-validation run (default: the latest), or of the average of several runs'
   * out-of-fold probabilities (`runIds`), and make them the review queue.
   */
  computeIssues: z
    .object({
      runId: z.number().int().min(1).optional(),
      runIds: z.array(z.number().int().min(1)).min(2).max(MAX_AVERAGED_RUNS).optional(),
      /** Default: `defaultFilterBy` of the dataset's class count. */
      filterBy: filterBySchema.optional(),
      rankedBy: rankedBySchema.default(DEFAULT_RANKED_BY),
    })
    .strict()
    .refine((d) => d.runId === undefined || d.runIds === undefined, {
      message: 'give runId or runIds, not both',
      path: ['runIds'],
    }),
  /** Every issue set (one per ranking), newest first. */
  listIssueSets: z.object({}).strict(),
  /**
   * Is it still worth reviewing? A queue's (default: the review queue's) hit rate by rank decile and recently,
   * confident learning's estimated errors against those confirmed, the pace and the time left; null: no queue.
   */
  stopSignal: z.object({ setId }).strict(),
  /**
   * A page of an issue set in rank order: by `offset`, or after a rank (`afterRank`, which stays correct while a
   * status filter's list shrinks under concurrent decisions). `session` marks issues other sessions hold.
   */
  getIssues: z
    .object({
      setId,
      filter: issueFilterSchema.default({}),
      offset: pageOffset.default(0),
      afterRank: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).default(50),
      session: sessionId.optional(),
    })
    .strict(),
  /**
   * Marks the issue a session has on screen (one per session, expiring unless renewed), so other sessions are
   * steered elsewhere; `sampleIndex: null` releases it.
   */
  claimIssue: z.object({ sampleIndex: sampleIndex.nullable(), by: reviewer }).strict(),
  /** One decision applied to one or several samples (a bulk action is one undo step). */
  decide: z
    .object({
      // The same image twice is one decision.
      sampleIndices: z
        .array(sampleIndex)
        .min(1)
        .max(MAX_BULK_DECISIONS)
        .transform((indices) => [...new Set(indices)]),
      action: z.enum(DECISION_ACTIONS),
      newLabel: classId.optional(),
      requestId,
      by: reviewer.optional(),
      focus,
      /** The dataset generation the caller's indices refer to; refused when the dataset was re-imported since. */
      generation: z.number().int().min(0).optional(),
      /** Replace decisions other annotators made (refused with `decided_by_other` otherwise). */
      overwrite: z.boolean().default(false),
    })
    .strict()
    .refine((d) => d.action !== 'relabel' || d.newLabel !== undefined, {
      message: 'relabel needs newLabel',
      path: ['newLabel'],
    }),
  /**
   * Accepts the suggested label of every issue of the set in the filter whose quality is at most `maxQuality`
   * and/or among `sampleIndices`, as one batch (one undo step). Issues that already have a decision are left
   * alone unless `includeDecided` (see previewAccept for the counts to confirm).
   */
  acceptSuggestions: acceptSelection
    .extend({ includeDecided: z.boolean().default(false), requestId, by: reviewer.optional(), focus })
    .strict()
    .refine(selects, selectsMessage)
    .refine(labelIssuesOnly, labelIssuesOnlyMessage),
  /** How many issues acceptSuggestions would change: undecided ones, and decided ones (by anyone, by others). */
  previewAccept: acceptSelection
    .extend({ by: reviewer.optional() })
    .strict()
    .refine(selects, selectsMessage)
    .refine(labelIssuesOnly, labelIssuesOnlyMessage),
  undo: z.object({ requestId, by: reviewer.optional(), focus }).strict(),
  redo: z.object({ requestId, by: reviewer.optional(), focus }).strict(),
  decisionHistory: z.object({ sampleIndex }).strict(),
  /** The images nearest to a sample by cosine similarity of their stored embeddings (pretrained backbone). */
  neighbours: z
    .object({ sampleIndex, count: z.number().int().min(1).max(MAX_NEIGHBOURS).default(DEFAULT_NEIGHBOURS) })
    .strict(),
  /** Exact and near-duplicate groups and the top outliers, from content hashes and stored embeddings. */
  datasetHealth: z.object({}).strict(),
  /** Train on the cleaned labels and evaluate before vs after on the same held-out split. */
  retrain: z.object({ config: trainOverridesSchema.default({}) }).strict(),
  compareRuns: z.object({}).strict(),
  /**
   * Write the cleaned labels and the audit into a folder. Refuses the dataset's own folders and any file an
   * earlier export did not write (`would_overwrite`); `force` replaces those after keeping `<name>.bak-<time>`.
   */
  exportLabels: z.object({ outDir: z.string().min(1).max(4096), force: z.boolean().default(false) }).strict(),
  /** The class-evidence map (per-pixel F, class vs rest) of the live dataset; computed once per generation. */
  classEvidence: z.object({}).strict(),
  /**
   * Where a run's model (for a CV run: the fold that held the image out) finds evidence for `towards` against
   * `against` on one image. Computed off the main thread, cached per (run, image); cancellable by requestId.
   */
  explainSample: z
    .object({ runId: z.number().int().min(1), sampleIndex, towards: classId, against: classId, requestId })
    .strict(),
  /** Stops an explainSample call (the annotator moved on); its call answers { cancelled: true }. */
  cancelExplain: z.object({ requestId: requestId.unwrap() }).strict(),
  /** Held-out images on which the before and the after model disagree, most confident disagreements first. */
  holdoutDisagreements: z.object({ limit: z.number().int().min(1).max(50).default(6) }).strict(),
} as const satisfies Record<ApiName, z.ZodTypeAny>;

export type { ApiName };

/**
 * Who may make a call of a served project. `annotator`: everyone with a link (review: look, decide, undo,
 * redo); `owner`: the owner's link only (import, training, ranking, accepting suggestions up to a score, export,
 * cancelling jobs). The desktop app, the CLI and a `--no-token` loopback server act as the owner.
 */
export const ROLES = ['annotator', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Accepting the suggestions of issues the caller picked (`sampleIndices`) is review; accepting every issue of a
 * filter up to a score (`maxQuality`), unseen, is a decision about the project: the owner's.
 */
const ownerWhenByScore = (input: unknown): Role =>
  typeof input === 'object' && input !== null && Object.hasOwn(input, 'maxQuality') ? 'owner' : 'annotator';

/**
 * The role each call needs, declared once (for two calls it depends on the input, see above); the transports'
 * shared dispatch checks it for every call, before the service parses the input.
 */
export const apiRoles: { readonly [K in ApiName]: Role | ((input: unknown) => Role) } = {
  projectInfo: 'annotator',
  importDataset: 'owner',
  listSamples: 'annotator',
  startTraining: 'owner',
  cancelJob: 'owner',
  listRuns: 'annotator',
  trainingBackends: 'owner',
  computeIssues: 'owner',
  listIssueSets: 'annotator',
  stopSignal: 'annotator',
  getIssues: 'annotator',
  claimIssue: 'annotator',
  decide: 'annotator',
  acceptSuggestions: ownerWhenByScore,
  previewAccept: ownerWhenByScore,
  undo: 'annotator',
  redo: 'annotator',
  decisionHistory: 'annotator',
  neighbours: 'annotator',
  datasetHealth: 'annotator',
  retrain: 'owner',
  compareRuns: 'annotator',
  exportLabels: 'owner',
  classEvidence: 'annotator',
  explainSample: 'annotator',
  cancelExplain: 'annotator',
  holdoutDisagreements: 'annotator',
};

/** The role a call with this input needs. */
export function requiredRole(name: ApiName, input: unknown = {}): Role {
  const role = apiRoles[name];
  return typeof role === 'function' ? role(input) : role;
}

/** Whether `role` may make the call `name` with `input` (the owner may make every call). */
export function mayCall(role: Role, name: ApiName, input: unknown = {}): boolean {
  return role === 'owner' || requiredRole(name, input) === 'annotator';
}
/** What a caller passes (defaults may be left out). */
export type ApiInput<K extends ApiName> = z.input<(typeof apiInputs)[K]>;
/** What a handler receives after validation (defaults filled in). */
export type ApiParsed<K extends ApiName> = z.output<(typeof apiInputs)[K]>;

/** What a project holds, as the app's shell, `relabel info` and `relabel report` show it. */
export interface ProjectSummary {
  projectPath: string;
  projectName: string;
  dataset: DatasetInfo | null;
  classes: ClassInfo[];
  /** Given-label counts, indexed by class id. */
  classCounts: number[];
  latestCvRunId: number | null;
  /** The review queue: the latest issue set. */
  issueSet: IssueSetInfo | null;
  counts: ReviewCounts;
  /** Per cleaning round of the live dataset: flagged, reviewed, confirmed errors (relabel, exclude), kept. */
  rounds: RoundSummary[];
}

/** The summary plus what this caller and this process add. */
export interface ProjectInfo extends ProjectSummary {
  annotator: string;
  /** The caller's role: what the UI offers (owner-only controls are hidden from annotators). */
  role: Role;
  activeJobs: JobEvent[];
  /** What a run uses for every option it is not given (the Train page starts from these). */
  trainDefaults: TrainConfig;
}

/**
 * Review progress as every view shows it (sidebar, badge, review header). Every decision, undo and redo returns
 * it and its `decisions` event carries it, so no view has to ask again.
 */
export interface ReviewCounts {
  /** Issues in the review queue (the latest issue set) and how many of them have a decision. */
  setTotal: number;
  reviewed: number;
  /** Current decisions over the whole dataset, by action. */
  decisions: { keep: number; relabel: number; exclude: number };
  /**
   * The id of the latest decision event these counts include: answers and events can arrive out of order (they
   * travel on different connections), so a client keeps the counts with the highest `asOf` of the same queue.
   */
  asOf: number;
  /** The issue set the queue counts are about (null: none). */
  setId: number | null;
}

export interface IssuePage {
  set: IssueSetInfo | null;
  /** Issues matching the filter. */
  total: number;
  offset: number;
  issues: LabelIssue[];
  counts: ReviewCounts;
  /**
   * For the duplicate and outlier types: whether a finished embedding scan is behind them (ok), it runs
   * (computing), or there is none (unavailable: exact duplicates only; `message` says why). Null for label issues.
   */
  health: Pick<DatasetHealth, 'status' | 'message' | 'progress'> | null;
}

export interface DecideResult {
  batchId: string;
  decisions: Decision[];
  counts: ReviewCounts;
  /** The claim taken for `focus`, when one was asked for. */
  claim?: ClaimResult;
}

export interface UndoResult {
  /** The undo (redo) batch; null when there was nothing to undo (redo). */
  batchId: string | null;
  /** Sample indices whose decision changed; empty when there was nothing to undo/redo. */
  changed: number[];
  /** The current decision of each changed sample (null: undecided again). */
  decisions: (Decision | null)[];
  /** The id of the event that set each changed sample's state. */
  eventIds: number[];
  counts: ReviewCounts;
  /** The claim taken for `focus`, when one was asked for. */
  claim?: ClaimResult;
}

/** What a bulk accept would do, for its confirmation. */
export interface AcceptPreview {
  /** Issues selected that have no decision yet (these are accepted). */
  undecided: number;
  /** Issues selected that already have a decision (accepted only with includeDecided) … */
  decided: number;
  /** … of which another annotator made this many. */
  decidedByOthers: number;
}

/** The answer to claimIssue. */
export interface ClaimResult {
  /** The claim this session now holds (null when it released, or another session holds the issue). */
  claimId: string | null;
  /** The annotator of another session holding the issue, if any: this session did not get it. */
  heldBy: string | null;
}

/** What one mutation changed, as its `decisions` event tells every client. */
export interface DecisionsChanged {
  /** The mutation's `requestId`, when its caller gave one. */
  requestId: string | null;
  batchId: string;
  sampleIndices: number[];
  /** The current decision of each sample, in the order of `sampleIndices` (null: undecided). */
  decisions: (Decision | null)[];
  /** The id of the event that set each sample's current state: a later one always wins. */
  eventIds: number[];
  counts: ReviewCounts;
}

/** One image near the asked-for sample, as the review shows it. */
export interface Neighbour {
  index: number;
  path: string;
  givenLabel: number;
  /** Cosine similarity of the two embeddings (1: same direction). */
  similarity: number;
  decision: Decision | null;
}

export interface NeighboursResult {
  sampleIndex: number;
  /**
   * ok; unavailable: the project has no embeddings of the live dataset yet (`message` says how to get them);
   * superseded: a newer neighbours request replaced this one before it ran.
   */
  status: 'ok' | 'unavailable' | 'superseded';
  message: string | null;
  /** The embedding the similarities come from, e.g. "MobilenetV2/Conv_1/Relu6, 96×96 px". */
  backbone: string | null;
  neighbours: Neighbour[];
}

export interface ExportResult {
  outDir: string;
  files: string[];
  /** relabel-export.json: what this export wrote (a later export may replace exactly those files). */
  manifest: string;
  /** Files that were there before and were kept as `<name>.bak-<time>` (only with `force`). */
  backups: string[];
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
  listSamples: { total: number; samples: SampleWithDecision[] };
  startTraining: { jobId: string };
  cancelJob: { cancelled: boolean };
  listRuns: RunSummary[];
  trainingBackends: BackendDiagnosis;
  computeIssues: IssueSetInfo;
  listIssueSets: IssueSetInfo[];
  stopSignal: StopSignal | null;
  getIssues: IssuePage;
  claimIssue: ClaimResult;
  decide: DecideResult;
  acceptSuggestions: DecideResult;
  previewAccept: AcceptPreview;
  undo: UndoResult;
  redo: UndoResult;
  decisionHistory: DecisionEvent[];
  neighbours: NeighboursResult;
  datasetHealth: DatasetHealth;
  retrain: { jobId: string };
  compareRuns: Comparison;
  exportLabels: ExportResult;
  classEvidence: ClassEvidence;
  explainSample: SaliencyResult;
  cancelExplain: { cancelled: boolean };
  holdoutDisagreements: HoldoutDisagreements;
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
  | ({ type: 'decisions' } & DecisionsChanged)
  /** A session took (`annotator` set) or released (null) the issue it has on screen. */
  | { type: 'claim'; sampleIndex: number; claimId: string; annotator: string | null; ttlMs?: number }
  /**
   * The project summary changed: a dataset imported, a run finished, issues ranked — here or, `external-change`,
   * by another process writing to the same project file (the CLI, another server), which the service notices
   * within a couple of seconds. Clients refresh what they show.
   */
  | { type: 'project'; reason: 'imported' | 'run-finished' | 'issues-computed' | 'external-change' };

/** The API as implemented by the service and as seen by the renderer. */
export type RelabelApi = {
  [K in ApiName]: (input: ApiInput<K>) => Promise<ApiOutputs[K]>;
};

/** Listener registration; returns the unsubscribe function. */
export type Subscribe = (listener: (event: ApiEvent) => void) => () => void;

/** The stable error codes every transport carries; `failed` is an internal error (a bug), never a user error. */
export const API_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  /** An export would replace files an earlier export did not write; `force: true` replaces them (kept as backups). */
  'would_overwrite',
  /** A decision would replace another annotator's: ask, then repeat it with `overwrite: true`. */
  'decided_by_other',
  'failed',
  'unauthorized',
  /** The caller's role may not make this call (an annotator link asking for an owner action). */
  'forbidden',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** What a client is told of an internal error (a bug); the details go to the log only. */
export const INTERNAL_ERROR_MESSAGE = 'internal error (see the log)';

/** Error every transport carries the same way: a user-facing message and a stable code. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

export const apiNames: readonly ApiName[] = API_NAMES;

/** Media URLs are the one thing the transports spell differently; both serve the same bytes. */
export const MEDIA_KINDS = ['image', 'thumb'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export type { ClassInfo, Metrics };
