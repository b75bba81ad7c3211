/**
 * Which issue filter by default for two classes: the demo datasets (`relabel demo --source fashion-mnist|procedural`,
 * 10% of the labels flipped, noise_truth.txt the answer key), one cross-validation run per model as `relabel train`
 * runs it, then every cleanlab filter on the same out-of-fold probabilities (what `relabel issues --filter-by X`
 * would queue), ranked by self_confidence: flagged, precision, recall, and the precision of the queue's top down
 * to where cleanlab's default filter would have stopped it (how much the extra length costs).
 *
 *   npx tsx bench/filters.ts [--count 2000] [--sources fashion-mnist,procedural] [--models baseline,pretrained]
 * Runs are kept under --work (default /tmp/relabel-bench-filters) and reused. Table: bench/results/filters.md.
 */
import { existsSync, mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CLEANLAB_DEFAULT_FILTER_BY,
  defaultFilterBy,
  FILTER_BY_METHODS,
  type ModelName,
} from '../src-shared/domain';
import { findLabelIssues } from '../src-main/core/clean';
import { type DemoSource } from '../src-main/core/dataset/demo';
import { Project } from '../src-main/core/store/project';
import { runCrossValidation } from '../src-main/core/workflows/cross-validation-run';
import { benchLog, demoProject, loadNow } from './common';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    sources: { type: 'string', default: 'fashion-mnist,procedural' },
    models: { type: 'string', default: 'baseline,pretrained' },
    work: { type: 'string', default: '/tmp/relabel-bench-filters' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const count = Number(values.count);
const workers = Math.min(2, availableParallelism());
const log = benchLog('filters');
mkdirSync(values.work, { recursive: true });

/** The demo dataset imported once per source; each model trains in its own copy of the project. */
async function project(
  source: DemoSource,
  model: ModelName,
): Promise<{ path: string; flipped: Set<number> }> {
  const dir = join(values.work, `${source}-${count}`);
  const demo = await demoProject(dir, `${dir}.relabel`, { source, count, seed: 1, noise: 0.1 });
  const path = `${dir}-${model}.relabel`;
  if (!existsSync(path)) copyFileSync(demo.project, path);
  return { path, flipped: demo.flipped };
}

const rows: string[] = [];
for (const source of values.sources.split(',') as DemoSource[]) {
  for (const model of values.models.split(',') as ModelName[]) {
    const { path, flipped } = await project(source, model);
    const p = Project.open(path);
    try {
      let run = p.runs.list().find((r) => r.kind === 'cv' && r.status === 'done');
      let seconds: number | null = null;
      if (!run) {
        log(`${source} ${model}: training (load ${loadNow()})`);
        const t = Date.now();
        const resume = p.runs.list().find((r) => r.kind === 'cv' && r.status !== 'done');
        const id = await runCrossValidation(p, { model, workers }, resume ? { resumeRunId: resume.id } : {});
        seconds = (Date.now() - t) / 1000;
        run = p.runs.get(id)!;
      }
      const probs = Float64Array.from(p.runs.probs(run.id)!.values);
      const labels = p.getGivenLabels();
      const k = p.getClasses().length;
      const cut = findLabelIssues(labels, probs, k, {
        filterBy: CLEANLAB_DEFAULT_FILTER_BY,
        rankedBy: 'self_confidence',
      }).length;
      for (const filterBy of FILTER_BY_METHODS) {
        const flagged = Array.from(
          findLabelIssues(labels, probs, k, { filterBy, rankedBy: 'self_confidence' }),
        );
        const hits = (list: number[]) => list.filter((i) => flipped.has(i)).length;
        const top = flagged.slice(0, cut);
        const tags = [
          filterBy === defaultFilterBy(k) ? '**Relabel default**' : '',
          filterBy === CLEANLAB_DEFAULT_FILTER_BY ? "cleanlab's default" : '',
        ].filter(Boolean);
        rows.push(
          `| ${source === 'fashion-mnist' ? 'Fashion-MNIST' : 'drawn faces'} | ${model} | ${filterBy}${tags.length ? ` (${tags.join(', ')})` : ''} | ` +
            `${flagged.length} | ${(hits(flagged) / Math.max(1, flagged.length)).toFixed(3)} | ${(hits(flagged) / flipped.size).toFixed(3)} | ` +
            `${(hits(top) / Math.max(1, top.length)).toFixed(3)} |`,
        );
      }
      log(
        `${source} ${model}: run #${run.id}${seconds === null ? ' (reused)' : `, ${seconds.toFixed(0)} s`}`,
      );
    } finally {
      p.close();
    }
  }
}

const table = [
  `# Issue filters on the same out-of-fold probabilities (two classes)`,
  '',
  `\`relabel demo --count ${count}\` (seed 1, 10% of the labels flipped, ~13% class 0), each model's default ` +
    `cross-validation run (5 folds, ${workers} workers), then each filter ranked by self_confidence. "Top" is the ` +
    `precision of the first N issues of that filter's queue, N = the length of cleanlab's default queue. ` +
    `Load average at the end: ${loadNow()}.`,
  '',
  '| data | model | filter | flagged | precision | recall | precision of the top N |',
  '| --- | --- | --- | --: | --: | --: | --: |',
  ...rows,
  '',
].join('\n');
writeFileSync(join(here, 'results', 'filters.md'), table);
process.stdout.write(table);
