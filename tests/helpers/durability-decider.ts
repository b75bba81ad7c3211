/**
 * Records review decisions through the public service API as fast as it can.
 *
 *   node --import tsx tests/helpers/durability-decider.ts project=<file> seed=<n> [seconds=<s>] [undo=<p>]
 *
 * Prints `ready`, then per decision `do <seq> <action> <label|-> <i,j,…>` before the call and
 * `ack <seq> <json [[index, action, finalLabel], …]>` once it returned. With `undo=p`, a fraction p of the
 * calls are undo/redo (`ack <seq> <undo|redo> <events>`). Without `seconds` it runs until killed; with
 * it, it stops, catches every error instead of dying, and prints `done {ops, rows, errors}`.
 */
import { createService } from '../../src-main/core/service';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { args, deadline, describeError, emit, requireArg, type StressSummary } from './durability-io';

const a = args();
const service = createService({
  projectPath: requireArg(a, 'project'),
  annotator: 'decider',
});
const rng = mulberry32(Number(a.get('seed') ?? 1));
const undoShare = Number(a.get('undo') ?? 0);
const until = deadline(a);
const stress = until !== Infinity;

const info = await service.projectInfo({});
const n = info.dataset?.numSamples ?? 0;
const k = info.classes.length;
if (n === 0) throw new Error('the project has no dataset');

const summary: StressSummary = { ops: 0, rows: 0, errors: [] };
emit('ready');
for (let seq = 0; Date.now() < until; seq++) {
  let call = 'decide';
  try {
    if (rng() < undoShare) {
      const kind = rng() < 0.6 ? 'undo' : 'redo';
      call = kind;
      emit(`do ${seq} ${kind}`);
      const r = kind === 'undo' ? await service.undo({}) : await service.redo({});
      emit(`ack ${seq} ${kind} ${r.changed.length}`);
      summary.rows += r.changed.length;
    } else {
      const size = rng() < 0.8 ? 1 : 2 + Math.floor(rng() * 19);
      const indices = [...new Set(Array.from({ length: size }, () => Math.floor(rng() * n)))];
      const r = rng();
      const action = r < 0.5 ? 'relabel' : r < 0.75 ? 'exclude' : 'keep';
      const label = action === 'relabel' ? Math.floor(rng() * k) : undefined;
      emit(`do ${seq} ${action} ${label ?? '-'} ${indices.join(',')}`);
      const res = await service.decide({ sampleIndices: indices, action, newLabel: label });
      emit(`ack ${seq} ${JSON.stringify(res.decisions.map((d) => [d.sampleIndex, d.action, d.finalLabel]))}`);
      summary.rows += indices.length;
    }
    summary.ops++;
  } catch (e) {
    if (!stress) throw e;
    summary.errors.push(`${call}: ${describeError(e)}`);
    if (summary.errors.length > 20) break;
  }
}
await service.close();
emit(`done ${JSON.stringify(summary)}`);
