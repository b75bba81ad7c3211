/**
 * The simulated annotator from the shell (a tool for benchmarks and demos, not part of the product CLI): answers the
 * review queue of a project from a demo's noise_truth.txt (relabel a true flip to its true class, keep the rest),
 * through the same decision store as the review page, so a multi-round session runs without a human:
 *
 *   npx relabel demo data --source fashion-mnist && npx relabel import data --project p.relabel
 *   npx relabel train --project p.relabel && npx tsx bench/simulate-review.ts --project p.relabel --truth data/noise_truth.txt
 *   npx relabel train --project p.relabel     (round 2, on the reviewed labels) … and so on
 *
 * Options: --set <id> (default: the review queue), --limit <n> (only the first n issues), --annotator <name>.
 */
import { parseArgs } from 'node:util';
import { Project } from '../src-main/core/store/project';
import {
  answerQueue,
  flippedBinaryTruth,
  readNoiseTruth,
  SIMULATED_ANNOTATOR,
} from '../src-main/core/workflows/simulated-annotator';

const { values } = parseArgs({
  options: {
    project: { type: 'string' },
    truth: { type: 'string' },
    set: { type: 'string' },
    limit: { type: 'string' },
    annotator: { type: 'string', default: SIMULATED_ANNOTATOR },
  },
});
const count = (flag: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${flag} must be a whole number, got "${v}"`);
  return Number(v);
};

try {
  if (!values.project || !values.truth)
    throw new Error('--project <file> and --truth <noise_truth.txt> are required');
  const p = Project.open(values.project);
  try {
    const info = p.requireDataset();
    const truth = flippedBinaryTruth(readNoiseTruth(values.truth, info.numSamples), p.getClasses().length);
    const r = answerQueue(p, truth, {
      setId: count('set', values.set),
      limit: count('limit', values.limit),
      annotator: values.annotator,
    });
    process.stdout.write(
      `Round ${r.round} (issue set #${r.setId}): ${r.reviewed} issues answered as ${values.annotator}: ` +
        `${r.relabelled} relabelled, ${r.kept} kept` +
        (r.alreadyDecided ? `; ${r.alreadyDecided} already had a decision\n` : '\n'),
    );
  } finally {
    p.close();
  }
} catch (e) {
  process.stderr.write(`simulate-review: ${(e as Error).message}\n`);
  process.exit(1);
}
