import type { DecisionAction } from '../../../src-shared/domain';
import type { DecileHitRate, StopSignal, StopVerdict } from '../../../src-shared/rounds';

/** The decisions the "recent" hit rate looks at. */
export const RECENT_WINDOW = 50;
/** Below this recent hit rate (over a full window) further review finds few errors. */
export const LOW_HIT_RATE = 0.1;
/** A gap between two decisions longer than this is a break, not work: it does not count toward the pace. */
export const BREAK_MS = 5 * 60_000;
/** The pace is measured over the latest decisions only (the annotator speeds up). */
export const PACE_WINDOW = 200;
/** Fewer timed intervals than this tell nothing about a pace. */
export const MIN_PACE_INTERVALS = 10;

export interface StopSignalInput {
  setId: number;
  round: number;
  /** Issues in the queue; ranks run 1..flagged. */
  flagged: number;
  /** The queue's issues with a current decision: rank, action, and the event id that orders them in time. */
  reviewed: { rank: number; action: DecisionAction; eventId: number }[];
  estimatedErrors: number | null;
  /** Epoch milliseconds of every decide event on the queue's issues (any order). */
  decisionTimes: number[];
}

const isError = (a: DecisionAction) => a !== 'keep';
const rate = (errors: number, reviewed: number) => (reviewed > 0 ? errors / reviewed : null);

/** The ten rank ranges of a queue of `n` issues: decile d holds ranks floor(d·n/10)+1 … floor((d+1)·n/10). */
export function decileBounds(n: number): { fromRank: number; toRank: number }[] {
  const out: { fromRank: number; toRank: number }[] = [];
  for (let d = 0; d < 10; d++)
    out.push({ fromRank: Math.floor((d * n) / 10) + 1, toRank: Math.floor(((d + 1) * n) / 10) });
  return out;
}

/** Issues per hour over the latest PACE_WINDOW decisions, breaks left out; null with too few to tell. */
export function pacePerHour(times: number[]): number | null {
  const recent = [...times].sort((a, b) => a - b).slice(-PACE_WINDOW);
  let activeMs = 0;
  let intervals = 0;
  for (let i = 1; i < recent.length; i++) {
    const gap = recent[i] - recent[i - 1];
    if (gap > BREAK_MS) continue;
    activeMs += gap;
    intervals++;
  }
  if (intervals < MIN_PACE_INTERVALS || activeMs <= 0) return null;
  return (intervals / activeMs) * 3_600_000;
}

/** "40 min", "2 h 05 min". */
export function formatHours(hours: number): string {
  const minutes = Math.max(1, Math.round(hours * 60));
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** The stop signal of one review queue, from its decisions alone (pure: the store gathers the input). */
export function computeStopSignal(input: StopSignalInput): StopSignal {
  const { flagged } = input;
  const bounds = decileBounds(flagged);
  const deciles: DecileHitRate[] = bounds.map((b, decile) => ({
    decile,
    ...b,
    reviewed: 0,
    errors: 0,
    hitRate: null,
  }));
  let confirmedErrors = 0;
  for (const r of input.reviewed) {
    const d = deciles.find((x) => r.rank >= x.fromRank && r.rank <= x.toRank);
    if (!d) continue;
    d.reviewed++;
    if (isError(r.action)) {
      d.errors++;
      confirmedErrors++;
    }
  }
  for (const d of deciles) d.hitRate = rate(d.errors, d.reviewed);
  const latest = [...input.reviewed].sort((a, b) => b.eventId - a.eventId).slice(0, RECENT_WINDOW);
  const recentErrors = latest.filter((r) => isError(r.action)).length;
  const recent = {
    window: RECENT_WINDOW,
    reviewed: latest.length,
    errors: recentErrors,
    hitRate: rate(recentErrors, latest.length),
  };
  const reviewed = input.reviewed.length;
  const estimate = {
    estimatedErrors: input.estimatedErrors,
    confirmed: confirmedErrors,
    remaining: input.estimatedErrors === null ? null : Math.max(0, input.estimatedErrors - confirmedErrors),
  };
  const perHour = pacePerHour(input.decisionTimes);
  const undecided = Math.max(0, flagged - reviewed);
  const pace = { perHour, undecided, hoursLeft: perHour === null ? null : undecided / perHour };
  const verdict: StopVerdict =
    reviewed === 0
      ? 'not-started'
      : undecided === 0
        ? 'done'
        : recent.reviewed >= RECENT_WINDOW && recent.hitRate! < LOW_HIT_RATE
          ? 'diminishing'
          : 'keep-going';
  const signal = {
    setId: input.setId,
    round: input.round,
    flagged,
    reviewed,
    confirmedErrors,
    deciles: deciles.filter((d) => d.toRank >= d.fromRank),
    recent,
    estimate,
    pace,
    verdict,
  };
  return { ...signal, sentence: stopSentence(signal) };
}

/** The figures as plain sentences, e.g. "The last 50 issues were 12% errors; the estimate says ~40 errors remain." */
export function stopSentence(s: Omit<StopSignal, 'sentence'>): string {
  const out: string[] = [];
  const { estimatedErrors, remaining, confirmed } = s.estimate;
  if (s.verdict === 'not-started') {
    out.push(`Round ${s.round}: none of the ${s.flagged} issues reviewed yet.`);
    if (estimatedErrors !== null) out.push(`Confident learning estimates ~${estimatedErrors} label errors.`);
    return out.join(' ');
  }
  const { reviewed, hitRate } = s.recent;
  const which =
    reviewed >= s.recent.window ? `The last ${reviewed} issues` : `The ${reviewed} issues reviewed so far`;
  let first = `${which} were ${pct(hitRate ?? 0)} errors`;
  if (estimatedErrors !== null) {
    first += `; the estimate says ~${remaining} of ~${estimatedErrors} errors remain (${confirmed} confirmed)`;
  }
  out.push(first + '.');
  if (s.verdict === 'done') {
    out.push(
      `Round ${s.round} is fully reviewed: retrain on the reviewed labels for the next round, or export.`,
    );
    return out.join(' ');
  }
  out.push(
    s.pace.perHour === null
      ? `${s.pace.undecided} issues left.`
      : `At ${Math.round(s.pace.perHour)} issues an hour, the ${s.pace.undecided} left take about ${formatHours(s.pace.hoursLeft!)}.`,
  );
  if (s.verdict === 'diminishing') {
    out.push(
      `Under ${pct(LOW_HIT_RATE)} of recent issues were errors: stopping here, or retraining for a new round, loses little.`,
    );
  }
  return out.join(' ');
}
