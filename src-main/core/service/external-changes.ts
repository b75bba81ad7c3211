import type { DecisionsChanged } from '../../../src-shared/api';
import { reviewCounts } from '../workflows/project-summary';
import type { ServiceContext } from './context';

/** How often the project file is checked for other processes' commits, by default. */
export const EXTERNAL_POLL_MS = 1500;

/** At most this many decision events are read per check; the rest come with the next one. */
const EVENTS_PER_CHECK = 20_000;

export interface ExternalChangeWatcher {
  /** Checks once (the timer calls it; tests may too). */
  check(): void;
  stop(): void;
}

/**
 * Tells this service's clients about changes another process (the CLI, a second server, another window) commits
 * to the project file, as if they had been made here: decisions as `decisions` events (one per batch, with the
 * new counts), anything else the project summary shows (an import, runs, issue sets) as one `project` event
 * with reason `external-change`. A check costs one pragma while nothing changed: SQLite's `data_version` only
 * moves when another connection commits.
 */
export function watchExternalChanges(
  ctx: ServiceContext,
  opts: { intervalMs: number; logError: (e: unknown) => void },
): ExternalChangeWatcher {
  const { project } = ctx;
  let version = project.dataVersion;
  let lastEventId = project.decisions.latestEventId();
  let stamp = project.summaryStamp();
  let generation = project.datasetGeneration;
  let failed = false;

  const announceDecisions = () => {
    let counts: DecisionsChanged['counts'] | null = null;
    for (;;) {
      const events = project.decisions.eventsAfter(lastEventId, EVENTS_PER_CHECK);
      if (events.length === 0) return;
      lastEventId = events[events.length - 1].id;
      // The newest event of each sample in this stretch: the id a client compares with what it knows.
      const newest = new Map<string, number>();
      for (const e of events) newest.set(e.path, e.id);
      const batches = new Map<string, { path: string; index: number }[]>();
      for (const e of events) {
        if (e.index === null) continue; // the sample left the dataset in a re-import
        const batch = batches.get(e.batchId) ?? [];
        if (!batch.some((x) => x.path === e.path)) batch.push({ path: e.path, index: e.index });
        batches.set(e.batchId, batch);
      }
      // The counts after every change read so far (the newest a client keeps) serve each batch's event.
      if (batches.size) counts = reviewCounts(project);
      for (const [batchId, samples] of batches) {
        const decisions = project.decisions.currentFor(samples.map((x) => x.path));
        const change: DecisionsChanged = {
          requestId: null,
          batchId,
          sampleIndices: samples.map((x) => x.index),
          decisions,
          eventIds: samples.map((x, i) => Math.max(decisions[i]?.eventId ?? 0, newest.get(x.path) ?? 0)),
          counts: counts!,
        };
        ctx.emit({ type: 'decisions', ...change });
      }
      if (events.length < EVENTS_PER_CHECK) return;
    }
  };

  const check = () => {
    if (!project.db.open) return;
    try {
      const v = project.dataVersion;
      if (v === version) {
        // Only this connection wrote since the last check: its decisions were announced as they were made.
        lastEventId = project.decisions.latestEventId();
        return;
      }
      version = v;
      if (project.datasetGeneration !== generation) {
        generation = project.datasetGeneration;
        ctx.forgetDataset();
      }
      announceDecisions();
      const now = project.summaryStamp();
      if (now !== stamp) {
        stamp = now;
        ctx.emit({ type: 'project', reason: 'external-change' });
      }
      failed = false;
    } catch (e) {
      // A locked or vanished file: try again at the next tick, logging the first failure of a run of them.
      if (!failed) opts.logError(e);
      failed = true;
    }
  };

  const timer = opts.intervalMs > 0 ? setInterval(check, opts.intervalMs) : null;
  timer?.unref();
  return {
    check,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
