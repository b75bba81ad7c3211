/**
 * Reads a project that other processes are writing: opens it read-only again and again and pages through
 * samples, the review queue, decisions and fold results.
 *
 *   node --import tsx tests/helpers/durability-reader.ts project=<file> run=<id> seconds=<s>
 *
 * Prints `ready`, then `done {ops, rows, errors}`; every error is caught and reported.
 */
import { Project } from '../../src-main/core/store/project';
import { args, deadline, describeError, emit, requireArg, type StressSummary } from './durability-io';

const a = args();
const path = requireArg(a, 'project');
const runId = Number(requireArg(a, 'run'));
const until = deadline(a);
const summary: StressSummary = { ops: 0, rows: 0, errors: [] };

emit('ready');
while (Date.now() < until) {
  let project: Project | undefined;
  try {
    project = Project.open(path, { readonly: true });
    const n = project.getSamples().length;
    const set = project.issues.latest();
    if (!set) throw new Error('no issue set');
    const page = project.issues.page(set.id, { status: 'all' }, (summary.ops * 50) % set.count, 50);
    const decisions = project.decisions.current();
    const folds = project.runs.folds(runId);
    if (n === 0 || page.rows.length === 0)
      throw new Error(`empty read: ${n} samples, ${page.rows.length} issues`);
    summary.rows += decisions.length + folds.length;
    summary.ops++;
  } catch (e) {
    summary.errors.push(describeError(e));
    if (summary.errors.length > 20) break;
  } finally {
    project?.close();
  }
}
emit(`done ${JSON.stringify(summary)}`);
