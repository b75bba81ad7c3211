import { EventEmitter } from 'node:events';
import {
  apiNames,
  type ApiEvent,
  type ApiName,
  type MediaKind,
  type RelabelApi,
  type Subscribe,
} from '../../../src-shared/api';
import { parseApiInput } from '../../../src-shared/validate';
import { readSampleImage } from '../dataset/media';
import { JobRunner } from '../jobs';
import type { DataLimits } from '../limits';
import type { PathRoots } from '../path-roots';
import { Project } from '../store/project';
import { createContext, type Handlers } from './context';
import { decisionHandlers } from './decision-handlers';
import { EXTERNAL_POLL_MS, watchExternalChanges } from './external-changes';
import { describeJobFailure, ServiceError, toServiceError } from './errors';
import { evidenceFeature } from './evidence-handlers';
import { issueHandlers } from './issue-handlers';
import { neighbourHandlers } from './neighbour-handlers';
import { projectHandlers } from './project-handlers';
import { trainingHandlers } from './training-handlers';

export { ServiceError } from './errors';

export interface RelabelService extends RelabelApi {
  subscribe: Subscribe;
  readMedia(kind: MediaKind, index: number): Promise<{ data: Buffer; mime: string }>;
  close(): Promise<void>;
}

/** The service as its creator holds it: also able to check for other processes' changes on demand. */
export interface OwnedService extends RelabelService {
  /** Looks for changes other processes committed to the project file now (a timer does it every interval). */
  checkExternalChanges(): void;
}

export interface ServiceOptions {
  projectPath: string;
  /** The name recorded with this service's decisions. */
  annotator: string;
  createIfMissing?: boolean;
  /** Where internal errors of background jobs are logged (default: stderr). */
  logError?: (e: unknown) => void;
  /**
   * How often to look for changes other processes commit to the project file, to tell this service's clients
   * (ms; default 1500; 0: never).
   */
  watchIntervalMs?: number;
  /**
   * When set (a served project), datasets are imported and labels exported only under these folders, checked
   * after resolving symlinks; anything else is refused. Unset (desktop app, CLI): the user's own paths.
   */
  pathRoots?: PathRoots;
  /** Ceilings on classes and data-file sizes (default: DEFAULT_LIMITS). */
  limits?: DataLimits;
}

/**
 * The API contract implemented once over the core; Electron's IPC adapter and the HTTP server both call it.
 * Every call's input is validated here, once, against the contract, so no caller can hand a handler an
 * unchecked payload; the handlers live beside their feature.
 */
export function createService(opts: ServiceOptions): OwnedService {
  const project = opts.createIfMissing
    ? Project.openOrCreate(opts.projectPath)
    : Project.open(opts.projectPath);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const emit = (e: ApiEvent) => emitter.emit('event', e);
  const logError = opts.logError ?? ((e: unknown) => console.error('[relabel] internal error in a job:', e));
  const jobs = new JobRunner(
    (job) => emit({ type: 'job', job }),
    (e) => describeJobFailure(e, logError),
  );
  const ctx = createContext(
    project,
    jobs,
    opts.annotator.trim() || 'annotator',
    emit,
    opts.pathRoots ?? null,
    opts.limits,
  );
  const neighbours = neighbourHandlers(ctx);
  const evidence = evidenceFeature(ctx);
  const handlers: Handlers = {
    ...projectHandlers(ctx),
    ...trainingHandlers(ctx),
    ...issueHandlers(ctx, neighbours.health),
    ...decisionHandlers(ctx),
    ...neighbours.handlers,
    ...evidence.handlers,
  };

  const watcher = watchExternalChanges(ctx, {
    intervalMs: opts.watchIntervalMs ?? EXTERNAL_POLL_MS,
    logError:
      opts.logError ??
      ((e) => console.error('[relabel] could not check the project file for other processes’ changes:', e)),
  });

  const api = {} as Record<ApiName, (input: unknown) => Promise<unknown>>;
  for (const name of apiNames) {
    api[name] = async (input: unknown) => {
      const parsed = parseApiInput(name, input ?? {});
      if (!parsed.ok) throw new ServiceError('invalid_input', parsed.message);
      try {
        return await (handlers[name] as (i: unknown) => unknown)(parsed.input);
      } catch (e) {
        throw toServiceError(e);
      }
    };
  }

  return {
    ...(api as unknown as RelabelApi),
    subscribe: (listener) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    readMedia: async (kind, index) => {
      if (!Number.isSafeInteger(index) || index < 0)
        throw new ServiceError('invalid_input', 'bad image index');
      try {
        return await readSampleImage(project, index, kind);
      } catch (e) {
        throw toServiceError(e, 'not_found');
      }
    },
    checkExternalChanges: () => watcher.check(),
    close: async () => {
      watcher.stop();
      jobs.cancelAll();
      await Promise.all([jobs.idle(), evidence.close(), neighbours.close()]);
      emitter.removeAllListeners();
      project.close();
    },
  };
}
