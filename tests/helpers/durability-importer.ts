/**
 * Replaces the project's dataset again and again through the dataset writer (beginImport → add → commit).
 *
 *   node --import tsx tests/helpers/durability-importer.ts project=<file> from=<version> [n=<samples>] [seconds=<s>]
 *
 * Prints `ready`, then `begin <g>` before and `commit <g>` after writing dataset version g (see
 * importVersion), for g = from, from + 1, … until killed. With `seconds`, stops, catches every error
 * instead of dying, and prints `done {ops, rows, errors}`.
 */
import { Project } from '../../src-main/core/store/project';
import {
  IMPORT_N,
  args,
  deadline,
  describeError,
  emit,
  importVersion,
  requireArg,
  type StressSummary,
} from './durability-io';

const a = args();
const project = Project.open(requireArg(a, 'project'));
const n = Number(a.get('n') ?? IMPORT_N);
const until = deadline(a);
const stress = until !== Infinity;
const summary: StressSummary = { ops: 0, rows: 0, errors: [] };

emit('ready');
for (let g = Number(requireArg(a, 'from')); Date.now() < until; g++) {
  try {
    emit(`begin ${g}`);
    importVersion(project, g, n);
    emit(`commit ${g}`);
    summary.ops++;
    summary.rows += n;
  } catch (e) {
    if (!stress) throw e;
    summary.errors.push(`import: ${describeError(e)}`);
    if (summary.errors.length > 20) break;
  }
}
project.close();
emit(`done ${JSON.stringify(summary)}`);
