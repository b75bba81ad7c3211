/**
 * Cleaning in rounds, measured end to end without a human: the Fashion-MNIST demo (`relabel demo --source
 * fashion-mnist`, footwear vs the rest, 13% footwear) with 10% and 20% of the labels flipped; each round trains and
 * ranks exactly as `relabel train` does (default model and settings, 5-fold cross-validation, confident learning with
 * the default filter; round 2 and later on the reviewed labels, decided images not queued again), then the simulated
 * annotator answers the whole queue from noise_truth.txt (relabel a true flip, keep the rest).
 *
 * Per round: the new queue's length and precision, cumulative recall of the true flips corrected, images reviewed per
 * true flip found (cumulative), wall time of train + issues, the load average; then, of the flips still missed, how
 * many the last model saw (out-of-fold argmax = true class, so the filter left them out) and how many it did not.
 *
 *   npx tsx bench/rounds.ts [--count 10000] [--size 28] [--noise 0.1,0.2] [--rounds 3] [--workers n]
 *                           [--work /tmp/relabel-bench-rounds]
 * The work folder is kept: a rerun continues where a killed one stopped (a finished round is not trained again, an
 * interrupted cross-validation run resumes at fold granularity). Table: bench/results/rounds.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultFilterBy, DEFAULT_RANKED_BY, FILTER_BY_METHODS } from '../src-shared/domain';
import { findLabelIssues } from '../src-main/core/clean';
import { Project } from '../src-main/core/store/project';
import { cleanedLabels } from '../src-main/core/workflows/training-data';
import { answerQueue, flippedBinaryTruth } from '../src-main/core/workflows/simulated-annotator';
import { trainAndRankIssues } from '../src-main/core/workflows/train-and-rank';
import { benchLog, demoProject, loadNow } from './common';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    size: { type: 'string', default: '28' },
    noise: { type: 'string', default: '0.1,0.2' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string' },
    work: { type: 'string', default: '/tmp/relabel-bench-rounds' },
  },
});
const count = Number(values.count);
const size = Number(values.size);
const maxRounds = Number(values.rounds);
const here = fileURLToPath(new URL('.', import.meta.url));
const log = benchLog('rounds');

interface RoundTiming {
  seconds: number;
  loadBefore: string;
  loadAfter: string;
  resumed: boolean;
}

interface Row {
  noise: number;
  round: number;
  labels: string;
  flagged: number;
  precision: number;
  recall: number;
  reviewsPerFlip: number;
  estimatedLeft: number | null;
  /** The true flips among the images still undecided when the queue was made (what the estimate estimates). */
  flipsLeft: number;
  oofAccuracy: number;
  timing: RoundTiming;
}

/** The demo dataset and its project, made once per noise level (kept in the work folder). */
async function prepare(noise: number): Promise<{ project: string; flipped: Set<number>; stateFile: string }> {
  const dir = join(values.work, `fashion-${count}-${size}px-noise${noise}`);
  log(`noise ${noise}: ${count} Fashion-MNIST images at ${size} px`);
  const { project, flipped } = await demoProject(join(dir, 'data'), join(dir, 'project.relabel'), {
    source: 'fashion-mnist',
    count,
    size,
    noise,
    seed: 1,
  });
  return { project, flipped, stateFile: join(dir, 'timings.json') };
}

/** One round: train + issues (resuming an interrupted run), then the simulated annotator answers the queue. */
async function round(p: Project, r: number, timings: Record<number, RoundTiming>, truth: Set<number>) {
  const sets = p.issues.roundSets();
  if (sets.length < r) {
    const lastSetRun = sets.at(-1)?.runId ?? 0;
    const unfinished = (['running', 'cancelled', 'failed'] as const)
      .map((s) => p.runs.latest(['cv'], s))
      .find((run) => run !== undefined);
    const resumeRunId = unfinished && unfinished.id > lastSetRun ? unfinished.id : undefined;
    const loadBefore = loadNow();
    log(
      `round ${r}: train + issues${resumeRunId ? ` (resuming run #${resumeRunId})` : ''} (load ${loadBefore})`,
    );
    const t = Date.now();
    const workers = values.workers ? { workers: Number(values.workers) } : {};
    await trainAndRankIssues(p, workers, { resumeRunId });
    timings[r] = {
      seconds: (Date.now() - t) / 1000,
      loadBefore,
      loadAfter: loadNow(),
      resumed: resumeRunId !== undefined,
    };
    log(`  ${timings[r].seconds.toFixed(0)} s (load ${timings[r].loadAfter})`);
  }
  const set = p.issues.roundSets()[r - 1];
  const answered = answerQueue(p, flippedBinaryTruth(truth, 2), { setId: set.id });
  if (answered.reviewed)
    log(`  simulated annotator: ${answered.relabelled} relabelled, ${answered.kept} kept`);
  return set;
}

function measure(
  p: Project,
  noise: number,
  truth: Set<number>,
  set: ReturnType<Project['issues']['roundSets']>[number],
  timing: RoundTiming,
): Row & { missedSeen: number; missed: number } {
  const given = p.getGivenLabels();
  const clean = given.map((l, i) => (truth.has(i) ? 1 - l : l));
  const { rows } = p.issues.page(set.id, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
  const hits = rows.filter((row) => truth.has(row.sampleIndex)).length;
  // Decisions made up to and including this round's queue: the sets' queues are disjoint, so count per set.
  const upTo = p.issues.roundSets().filter((s) => s.round <= set.round);
  const reviewedIdx = upTo.flatMap((s) =>
    p.issues.page(s.id, { status: 'decided' }, 0, Number.MAX_SAFE_INTEGER).rows.map((x) => x.sampleIndex),
  );
  const current = cleanedLabels(p).labels;
  const found = reviewedIdx.filter((i) => truth.has(i) && current[i] === clean[i]).length;
  const probs = p.runs.probs(set.runId)!.values;
  let correct = 0;
  let scored = 0;
  let missed = 0;
  let missedSeen = 0;
  const foundSet = new Set(reviewedIdx);
  for (let i = 0; i < given.length; i++) {
    if (!Number.isFinite(probs[i * 2])) continue;
    const argmax = probs[i * 2 + 1] > probs[i * 2] ? 1 : 0;
    scored++;
    if (argmax === clean[i]) correct++;
    if (truth.has(i) && !foundSet.has(i)) {
      missed++;
      if (argmax === clean[i]) missedSeen++;
    }
  }
  return {
    noise,
    round: set.round,
    labels: set.labels,
    flagged: set.count,
    precision: hits / Math.max(1, rows.length),
    recall: found / truth.size,
    reviewsPerFlip: reviewedIdx.length / Math.max(1, found),
    estimatedLeft: set.estimatedErrors,
    flipsLeft: truth.size - found + hits,
    oofAccuracy: correct / Math.max(1, scored),
    timing,
    missed,
    missedSeen,
  };
}

/**
 * The same round's run ranked with every filter (what `relabel issues --filter-by X` would queue instead): the labels
 * the round questioned (earlier rounds' relabels applied), images decided in earlier rounds left out. One step only:
 * later rounds trained on what the default filter's queue fixed.
 */
function otherFilters(p: Project, truth: Set<number>, r: number): string[] {
  const sets = p.issues.roundSets();
  const set = sets[r - 1];
  const earlier = new Set(
    sets
      .slice(0, r - 1)
      .flatMap((s) => p.issues.page(s.id, { status: 'decided' }, 0, Number.MAX_SAFE_INTEGER).rows)
      .map((x) => x.sampleIndex),
  );
  const given = p.getGivenLabels();
  const labels = Int32Array.from(given, (l, i) => (earlier.has(i) && truth.has(i) ? 1 - l : l));
  const probs = p.runs.probs(set.runId)!.values;
  const foundBefore = [...earlier].filter((i) => truth.has(i)).length;
  return FILTER_BY_METHODS.map((filterBy) => {
    const flagged = Array.from(
      findLabelIssues(labels, Float64Array.from(probs), 2, { filterBy, rankedBy: DEFAULT_RANKED_BY }),
    ).filter((i) => !earlier.has(i));
    const hits = flagged.filter((i) => truth.has(i)).length;
    const found = foundBefore + hits;
    return (
      `| ${Math.round((truth.size / given.length) * 100)}% | ${r} | ${filterBy}${filterBy === defaultFilterBy(2) ? ' (default)' : ''} | ` +
      `${flagged.length} | ${(hits / Math.max(1, flagged.length)).toFixed(3)} | ${(found / truth.size).toFixed(3)} | ` +
      `${((earlier.size + flagged.length) / Math.max(1, found)).toFixed(3)} |`
    );
  });
}

const table: string[] = [];
const filterTable: string[] = [];
const diagnosis: string[] = [];
for (const noise of values.noise.split(',').map(Number)) {
  const { project, flipped, stateFile } = await prepare(noise);
  const timings: Record<number, RoundTiming> = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as Record<number, RoundTiming>)
    : {};
  const p = Project.open(project);
  try {
    for (let r = 1; r <= maxRounds; r++) {
      const set = await round(p, r, timings, flipped);
      writeFileSync(stateFile, JSON.stringify(timings, null, 1));
      const m = measure(p, noise, flipped, set, timings[r]);
      log(
        `  round ${r}: ${m.flagged} flagged, precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, ` +
          `${m.reviewsPerFlip.toFixed(3)} reviews per flip; ${m.missed} flips missed, ${m.missedSeen} of them seen by the model`,
      );
      const t = m.timing;
      table.push(
        `| ${Math.round(noise * 100)}% (${flipped.size}) | ${r} | ${m.labels} | ${m.flagged} | ${m.precision.toFixed(3)} | ` +
          `${m.recall.toFixed(3)} | ${m.reviewsPerFlip.toFixed(3)} | ${m.oofAccuracy.toFixed(4)} | ${m.estimatedLeft ?? '–'} | ${m.flipsLeft} | ` +
          `${t.seconds.toFixed(0)}${t.resumed ? ' (resumed)' : ''} | ${t.loadBefore} → ${t.loadAfter} |`,
      );
      filterTable.push(...otherFilters(p, flipped, r));
      if (r === maxRounds) {
        diagnosis.push(
          `- ${Math.round(noise * 100)}% flips: after round ${r}, ${m.missed} of ${flipped.size} flips never reached the queue; ` +
            `the round-${r} model predicted the true class for ${m.missedSeen} of them (the filter left them out) and ` +
            `the flipped label for ${m.missed - m.missedSeen} (the model cannot see them).`,
        );
      }
    }
  } finally {
    p.close();
  }
}

const md = [
  '# Cleaning rounds with a simulated annotator (Fashion-MNIST footwear vs rest)',
  '',
  `\`npx tsx bench/rounds.ts --count ${count} --size ${size}\`: ${count.toLocaleString('en-US')} images at ${size} px, ` +
    `default model and settings as \`relabel train\` runs them, default filter; the simulated annotator answers every ` +
    `queued issue from noise_truth.txt. ${cpus().length} cores (shared: see the load averages).`,
  '',
  '| flips | round | labels | flagged | precision | cum. recall | reviews per flip found (cum.) | OOF accuracy vs truth | est. errors left (cleanlab) | true flips left | train + issues (s) | load avg (1/5/15 min) before → after |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...table,
  '',
  ...diagnosis,
  '',
  "The same runs ranked with each cleanlab filter (`relabel issues --filter-by X` on the round's run; images decided in " +
    'earlier rounds left out). One step only: every round trained on what the default queue of the round before fixed.',
  '',
  '| flips | round | filter | flagged | precision | cum. recall | reviews per flip found (cum.) |',
  '|---|---|---|---|---|---|---|',
  ...filterTable,
  '',
].join('\n');
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'rounds.md'), md);
process.stdout.write(md);
