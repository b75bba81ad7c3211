import { readFileSync } from 'node:fs';
import type { DecisionAction } from '../../../src-shared/domain';
import { ProjectError } from '../store/errors';
import type { Reviewer } from '../store/decisions';
import type { Project } from '../store/project';

/** The name the simulated annotator's decisions carry in the audit trail and the export. */
export const SIMULATED_ANNOTATOR = 'simulated';

/** The true class of a sample, given its index and its given label (an answer key). */
export type TrueLabelOf = (sampleIndex: number, givenLabel: number) => number;

/**
 * The flipped samples a demo's `noise_truth.txt` lists (0-based label-file lines, one per line). Refuses anything
 * else with the file and line: a number out of range, a repeated line, text.
 */
export function readNoiseTruth(file: string, numSamples: number): Set<number> {
  const flipped = new Set<number>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      const where = `${file}:${i + 1}`;
      if (!/^\d+$/.test(line)) throw new Error(`${where}: "${line}" is not a 0-based line number`);
      const index = Number(line);
      if (index >= numSamples) {
        throw new Error(`${where}: line ${index} is out of range (the dataset has ${numSamples} images)`);
      }
      if (flipped.has(index)) throw new Error(`${where}: line ${index} is listed twice`);
      flipped.add(index);
    });
  return flipped;
}

/**
 * The answer key of a two-class dataset with flipped labels: a flipped sample's true class is the other one.
 * noise_truth.txt does not say which class a flipped label came from, so more classes need their true labels.
 */
export function flippedBinaryTruth(flipped: ReadonlySet<number>, numClasses: number): TrueLabelOf {
  if (numClasses !== 2) {
    throw new Error(
      `noise_truth.txt lists the flipped images but not their true classes; that answers a 2-class dataset only (this one has ${numClasses})`,
    );
  }
  return (index, given) => (flipped.has(index) ? 1 - given : given);
}

export interface SimulatedReview {
  setId: number;
  round: number;
  /** Issues answered now. */
  reviewed: number;
  relabelled: number;
  kept: number;
  /** Issues of the queue that already had a decision (left as they were). */
  alreadyDecided: number;
}

/**
 * Answers every undecided issue of a queue (default: the review queue, the latest set) in rank order, as a human
 * reviewer would: relabel to the true class when the label is wrong, keep it otherwise. Each answer is one decision
 * of its own (one undo step), recorded through the same store call the review page's decisions go through, so the
 * audit trail, the rounds and the export see it as any decision. `limit` answers only the first issues.
 */
export function answerQueue(
  project: Project,
  trueLabelOf: TrueLabelOf,
  opts: { setId?: number; annotator?: string; limit?: number } = {},
): SimulatedReview {
  const set = opts.setId === undefined ? project.issues.latest() : project.issues.setInfo(opts.setId);
  if (!set) {
    throw new ProjectError(
      opts.setId === undefined
        ? 'no issues to review: train first'
        : `issue set #${opts.setId} does not exist`,
    );
  }
  if (set.stale) throw new ProjectError(`issue set #${set.id} was made before the dataset was re-imported`);
  const { rows } = project.issues.page(set.id, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
  const todo = rows.filter((r) => !r.decided).slice(0, opts.limit ?? rows.length);
  const by: Reviewer = { annotator: opts.annotator ?? SIMULATED_ANNOTATOR, session: 'simulated' };
  const refs = project.sampleRefsAt(todo.map((r) => r.sampleIndex));
  let relabelled = 0;
  todo.forEach((row, i) => {
    const target = refs[i];
    if (!target) throw new ProjectError(`image index ${row.sampleIndex} is no longer in the dataset`);
    const truth = trueLabelOf(target.index, target.givenLabel);
    const action: DecisionAction = truth === target.givenLabel ? 'keep' : 'relabel';
    if (action === 'relabel') relabelled++;
    project.decisions.record([target], action, action === 'relabel' ? truth : null, by);
  });
  return {
    setId: set.id,
    round: set.round,
    reviewed: todo.length,
    relabelled,
    kept: todo.length - relabelled,
    alreadyDecided: rows.length - rows.filter((r) => !r.decided).length,
  };
}
