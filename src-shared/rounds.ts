/**
 * Cleaning rounds and the stop signal, as the project summary, the report and the Review page show them.
 * Plain data only (structured clone and JSON).
 */
import type { TrainingLabels } from './domain';

/** One cleaning round: its review queue (the round's latest issue set) and what the review of it found. */
export interface RoundSummary {
  round: number;
  setId: number;
  runId: number;
  labels: TrainingLabels;
  createdAt: string;
  /** Issues in the round's queue. */
  flagged: number;
  /** Of those, how many have a decision, and which. */
  reviewed: number;
  /** Relabels and exclusions: the issues that were real errors. */
  confirmedErrors: number;
  kept: number;
  /** Confident learning's estimate of the label errors among the images the round questioned. */
  estimatedErrors: number | null;
  /** Images not queued again because a human had decided them in an earlier round. */
  skippedDecided: number;
}

/** The hit rate (share of reviewed issues that were errors) of one tenth of the queue, by rank. */
export interface DecileHitRate {
  /** 0 = the most suspicious tenth. */
  decile: number;
  fromRank: number;
  toRank: number;
  reviewed: number;
  errors: number;
  /** errors / reviewed; null while nothing of the decile is reviewed. */
  hitRate: number | null;
}

export type StopVerdict = 'not-started' | 'keep-going' | 'diminishing' | 'done';

/** Is it still worth reviewing? Figures of one queue, from its decisions alone. */
export interface StopSignal {
  setId: number;
  round: number;
  flagged: number;
  reviewed: number;
  confirmedErrors: number;
  deciles: DecileHitRate[];
  /** The latest `window` decisions of the queue (fewer while fewer are made). */
  recent: { window: number; reviewed: number; errors: number; hitRate: number | null };
  /** Confident learning's estimated errors against those confirmed; `remaining` = estimate − confirmed (≥ 0). */
  estimate: { estimatedErrors: number | null; confirmed: number; remaining: number | null };
  /** The annotator's pace (breaks left out) and the time the rest of the queue takes at it. */
  pace: { perHour: number | null; undecided: number; hoursLeft: number | null };
  verdict: StopVerdict;
  /** The figures in one plain sentence (or three). */
  sentence: string;
}
