/**
 * Stores training fold results (RunStore.saveFold) in a loop, resuming the run as training does.
 *
 *   node --import tsx tests/helpers/durability-folds.ts project=<file> run=<id> [seconds=<s>]
 *
 * Reopens run <id> when an earlier process was killed, continues after its last stored fold, prints
 * `ready <next fold>`, then `do <f>` before and `ack <f>` after each saveFold. With `seconds`, stops and
 * prints `done {ops, rows, errors}` (errors caught instead of dying).
 */
import { Project } from '../../src-main/core/store/project';
import {
  args,
  deadline,
  describeError,
  emit,
  foldData,
  requireArg,
  type StressSummary,
} from './durability-io';

const a = args();
const project = Project.open(requireArg(a, 'project'));
const runId = Number(requireArg(a, 'run'));
const until = deadline(a);
const stress = until !== Infinity;

const run = project.runs.get(runId);
if (!run) throw new Error(`no run ${runId}`);
if (run.status !== 'running') project.runs.reopen(runId);
let next = project.runs.folds(runId).reduce((m, f) => Math.max(m, f.fold + 1), 0);

const summary: StressSummary = { ops: 0, rows: 0, errors: [] };
emit(`ready ${next}`);
while (Date.now() < until) {
  const f = next++;
  try {
    emit(`do ${f}`);
    project.runs.saveFold(runId, foldData(f));
    emit(`ack ${f}`);
    summary.ops++;
    summary.rows++;
  } catch (e) {
    if (!stress) throw e;
    summary.errors.push(describeError(e));
    if (summary.errors.length > 20) break;
  }
}
project.close();
emit(`done ${JSON.stringify(summary)}`);
