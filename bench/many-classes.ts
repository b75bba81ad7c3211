/**
 * Many-classes label-noise benchmark: Fashion-MNIST, all 10 classes, 10,000 images 28×28 (1,000 per
 * class), 10% and 20% of the labels flipped uniformly to another class. Each row goes through the
 * product's own path: the noisy set imported once into a project (not timed), then
 * `runCrossValidation` (what `relabel train` runs) and `computeIssueSet` (what `relabel issues` runs).
 * Reports out-of-fold accuracy against the TRUE labels, expected calibration error, issues flagged,
 * precision and recall of the flagged set against the flips, wall time and CPU time.
 *
 *   npx tsx bench/many-classes.ts [--rows SPEC;SPEC…] [--noise 0.1,0.2] [--count 10000] [--workers N] [--fresh] [--score-only] [--folds 1,2]
 *
 * A row SPEC is a training configuration: `default` (the product defaults), or a model name with
 * overrides, e.g. `cnn:augment=shift,epochs=20` (any TrainConfig field), or `avg(SPEC+SPEC)`: the mean of
 * those rows' probabilities, scored as one run. Every run is scored with each issue filter of --filters
 * (cleanlab's methods on the same probabilities: a cheap post-processing step), and a calibrated run also
 * without its temperatures. Trained runs are cached per data set under /tmp/relabel-bench-many-classes
 * (with the commit that trained them), so rows can be added one at a time; --fresh trains them again.
 * A row interrupted mid-training (the process killed) resumes from its finished folds on the next
 * invocation, as `relabel train --resume` does; --score-only trains nothing and scores an unfinished row
 * on the images of its finished folds (marked as such: an estimate, not the row's result), and
 * --folds 1,2 adds each finished row scored on those folds' images only, to compare with an unfinished one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FilterBy, TrainConfig } from '../src-shared/domain';
import { Project } from '../src-main/core/store/project';
import { applyTemperature, argmaxRows, calibrationSummary } from '../src-main/core/train';
import { runCrossValidation } from '../src-main/core/workflows/cross-validation-run';
import { computeIssueSet } from '../src-main/core/workflows/label-issues';
import { findLabelIssues } from '../src-main/core/clean';
import { CLASSES, noisySet, type NoisySet } from './many-classes-data';
import { loadNow } from './common';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: 'default' },
    noise: { type: 'string', default: '0.1,0.2' },
    count: { type: 'string', default: '10000' },
    workers: { type: 'string', default: String(availableParallelism()) },
    filters: { type: 'string', default: 'prune_by_noise_rate,both,low_self_confidence' },
    fresh: { type: 'boolean', default: false },
    'score-only': { type: 'boolean', default: false },
    folds: { type: 'string' },
    cache: { type: 'string', default: '/tmp/relabel-bench-many-classes' },
    dir: {
      type: 'string',
      default: process.env.RELABEL_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
    },
  },
});
const here = dirname(fileURLToPath(import.meta.url));

/** A trained (or averaged) run of one row: what the cache keeps. */
interface TrainedRun {
  spec: string;
  runId: number;
  trainSeconds: number;
  cpuSeconds: number;
  loadStart: string;
  loadEnd: string;
  commit: string;
  date: string;
}

/** A row whose training started and did not finish: its run, and where and when it started. */
interface PendingRun {
  runId: number;
  commit: string;
  date: string;
  loadStart: string;
}

/** The cache of one data set: finished runs by spec, and the run of a row whose training was interrupted. */
interface RunCache {
  done: Record<string, TrainedRun>;
  pending: Record<string, PendingRun>;
}

/** The cache file of a data set; a file of the first format (finished runs by spec only) is read as such. */
function readCache(file: string): RunCache {
  if (!existsSync(file)) return { done: {}, pending: {} };
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<RunCache> & Record<string, TrainedRun>;
  if (stored.done) return { done: stored.done, pending: stored.pending ?? {} };
  return { done: stored as Record<string, TrainedRun>, pending: {} };
}

/** One filter's flagged set against the flips. */
interface FlagScore {
  flagged: number;
  precision: number;
  recall: number;
  /** Precision of the shortest top of the ranking that reaches 90% recall; null when the set never does. */
  precisionAt90: number | null;
  seconds: number;
}

/** Precision of the shortest prefix of a ranked list that finds `share` of the flips. */
function precisionAtRecall(ranked: number[], flipped: (s: number) => boolean, flips: number, share: number) {
  let found = 0;
  for (let i = 0; i < ranked.length; i++) {
    if (flipped(ranked[i])) found++;
    if (found >= share * flips) return found / (i + 1);
  }
  return null;
}

interface RowScore {
  label: string;
  run: TrainedRun;
  oofAccuracyTrue: number;
  eceGiven: number;
  eceTrue: number;
  byFilter: Map<FilterBy, FlagScore>;
}

/** CPU seconds of this process and its finished children (the training workers), from /proc. */
function cpuSecondsWithChildren(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // utime, stime, cutime, cstime are fields 14–17 of stat, i.e. 11–14 after the command name.
  return fields.slice(11, 15).reduce((s, v) => s + Number(v), 0) / 100;
}

const commit = () => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

/** `model:key=value,…` → training overrides. */
function parseSpec(spec: string): Partial<TrainConfig> {
  const [model, rest] = spec.split(':');
  const overrides: Record<string, unknown> = model === 'default' ? {} : { model };
  for (const pair of rest ? rest.split(',') : []) {
    const [key, raw] = pair.split('=');
    if (!key || raw === undefined) throw new Error(`row '${spec}': expected key=value, got '${pair}'`);
    const value =
      raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
    overrides[key] = value;
  }
  return overrides as Partial<TrainConfig>;
}

/**
 * The run's probabilities before calibration: each fold's rows scaled back by 1/T, with the fold
 * temperatures its notes record (3 decimals); null for a run that was not calibrated.
 */
function uncalibratedProbs(project: Project, runId: number): Float32Array | null {
  const note = project.runs.get(runId)!.notes.find((n) => n.startsWith('calibration: temperature'));
  if (!note) return null;
  const temperatures = new Map(
    [...note.matchAll(/fold (\d+): ([\d.]+)/g)].map((m) => [Number(m[1]) - 1, Number(m[2])]),
  );
  const probs = project.runs.probs(runId)!.values.slice();
  for (const fold of project.runs.folds(runId)) {
    const t = temperatures.get(fold.fold);
    if (t === undefined) continue;
    const rows = new Float32Array(fold.testIndices.length * CLASSES);
    fold.testIndices.forEach((s, r) =>
      rows.set(probs.subarray(s * CLASSES, s * CLASSES + CLASSES), r * CLASSES),
    );
    const raw = applyTemperature(rows, CLASSES, 1 / t);
    fold.testIndices.forEach((s, r) =>
      probs.set(raw.subarray(r * CLASSES, r * CLASSES + CLASSES), s * CLASSES),
    );
  }
  return probs;
}

/**
 * Accuracy and calibration of probabilities, and each filter's flagged set. A stored run goes through
 * `computeIssueSet` (what `relabel issues` runs); probabilities that are not a run (an uncalibrated
 * twin) through the same engine call, `findLabelIssues`.
 */
function score(
  project: Project,
  set: NoisySet,
  source: { runId: number } | { probs: Float32Array; samples?: Int32Array },
  filters: FilterBy[],
): Omit<RowScore, 'label' | 'run'> {
  const probs = 'probs' in source ? source.probs : project.runs.probs(source.runId)!.values;
  // Probabilities of a subset (an unfinished run's finished folds) are scored against that subset.
  const samples = ('samples' in source && source.samples) || Int32Array.from(set.given.keys());
  const given = Int32Array.from(samples, (s) => set.given[s]);
  const truth = Int32Array.from(samples, (s) => set.truth[s]);
  const flips = samples.filter((s) => set.flipped.has(s)).length;
  const byFilter = new Map<FilterBy, FlagScore>();
  for (const filterBy of filters) {
    const started = performance.now();
    let flaggedSamples: number[];
    if ('runId' in source) {
      const issues = computeIssueSet(project, { runId: source.runId, filterBy, rankedBy: 'self_confidence' });
      flaggedSamples = project.issues
        .page(issues.id, { status: 'all' }, 0, issues.count)
        .rows.map((i) => i.sampleIndex);
    } else {
      const rows = Float64Array.from(probs);
      flaggedSamples = Array.from(
        findLabelIssues(given, rows, CLASSES, { filterBy, rankedBy: 'self_confidence' }),
        (row) => samples[row],
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const found = flaggedSamples.filter((s) => set.flipped.has(s)).length;
    byFilter.set(filterBy, {
      flagged: flaggedSamples.length,
      precision: flaggedSamples.length ? found / flaggedSamples.length : 0,
      recall: found / flips,
      precisionAt90: precisionAtRecall(flaggedSamples, (s) => set.flipped.has(s), flips, 0.9),
      seconds,
    });
  }
  const predicted = argmaxRows(probs, CLASSES);
  return {
    oofAccuracyTrue: predicted.filter((p, i) => p === truth[i]).length / predicted.length,
    eceGiven: calibrationSummary(probs, given, CLASSES).ece,
    eceTrue: calibrationSummary(probs, truth, CLASSES).ece,
    byFilter,
  };
}

/**
 * A run scored on the images of some of its folds: an unfinished run on its finished folds, or any run on
 * the folds of --folds (to compare with an unfinished one; rows share their fold split through the seed).
 * Cleanlab sees only those images, so its per-class thresholds come from fewer samples: an estimate,
 * labelled with the folds it covers.
 */
function scorePartial(
  project: Project,
  set: NoisySet,
  spec: string,
  runId: number,
  filters: FilterBy[],
  o: { only: Set<number> | null; trained: TrainedRun | undefined; pending: PendingRun | undefined },
): RowScore[] {
  const folds = project.runs.folds(runId).filter((f) => !o.only || o.only.has(f.fold + 1));
  if (folds.length === 0) return [];
  const samples = Int32Array.from(folds.flatMap((f) => Array.from(f.testIndices)));
  const probs = new Float32Array(samples.length * CLASSES);
  let row = 0;
  for (const f of folds) {
    probs.set(f.probs, row * CLASSES);
    row += f.testIndices.length;
  }
  const folded = project.runs.get(runId)!.config.folds as number;
  // The times of a part of a run are not known: the row shows none.
  const run: TrainedRun = {
    spec,
    runId,
    loadEnd: '–',
    commit: '?',
    date: '?',
    loadStart: '–',
    ...(o.trained ?? o.pending),
    trainSeconds: Number.NaN,
    cpuSeconds: Number.NaN,
  };
  const which = folds.map((f) => f.fold + 1).join(', ');
  const label = `${spec} — ${o.trained ? '' : `unfinished run #${runId}: `}fold${folds.length > 1 ? 's' : ''} ${which} of ${folded}, ${samples.length} images (estimate)`;
  return [{ label, run, ...score(project, set, { probs, samples }, filters) }];
}

/** Trains (or averages) one row on the set's project. */
async function trainRow(
  project: Project,
  set: NoisySet,
  spec: string,
  cache: RunCache,
  save: () => void,
): Promise<TrainedRun> {
  const loadStart = loadNow();
  const cpuBefore = cpuSecondsWithChildren();
  const started = performance.now();
  let runId: number;
  const members = /^avg\((.*)\)$/.exec(spec)?.[1].split('+');
  const resumeRunId = cache.pending[spec]?.runId;
  if (members) {
    const runs: TrainedRun[] = [];
    for (const m of members) {
      const r = cache.done[m] ?? (await trainRow(project, set, m, cache, save));
      cache.done[m] = r;
      runs.push(r);
    }
    runId = averageRuns(
      project,
      runs.map((r) => r.runId),
    );
  } else {
    runId = await runCrossValidation(
      project,
      { ...parseSpec(spec), workers: Number(values.workers) },
      {
        resumeRunId,
        onRunCreated: (id) => {
          cache.pending[spec] ??= { runId: id, commit: commit(), date: new Date().toISOString(), loadStart };
          save();
        },
      },
    );
    delete cache.pending[spec];
  }
  return {
    // Times of a resumed row cover the last invocation only.
    spec: resumeRunId === undefined ? spec : `${spec} (resumed run #${resumeRunId}: times of its last part)`,
    runId,
    trainSeconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsWithChildren() - cpuBefore,
    loadStart,
    loadEnd: loadNow(),
    commit: commit(),
    date: new Date().toISOString(),
  };
}

/** Stores probabilities as an imported run (how averages and uncalibrated twins are scored). */
function storeProbs(project: Project, what: string, values: Float32Array): number {
  const runId = project.runs.create('imported', { source: what });
  project.runs.finish(runId, { status: 'done', notes: [what], probs: { numClasses: CLASSES, values } });
  return runId;
}

/**
 * The mean of several runs' out-of-fold probabilities, stored as an imported run.
 * TODO(transfer): switch to the product's run averaging (`relabel issues --runs A,B`) once it lands.
 */
function averageRuns(project: Project, runIds: number[]): number {
  const all = runIds.map((id) => project.runs.probs(id)!.values);
  const mean = Float32Array.from(all[0], (_, i) => all.reduce((s, p) => s + p[i], 0) / all.length);
  return storeProbs(project, `mean of runs ${runIds.join(', ')}`, mean);
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

const cell = (f: FlagScore | undefined) =>
  f
    ? `${f.flagged} · ${f.precision.toFixed(3)} · ${f.recall.toFixed(3)} · ${f.precisionAt90?.toFixed(3) ?? '–'}`
    : '–';

function table(noise: number, rows: RowScore[], filters: FilterBy[], importSeconds: number | null): string[] {
  const lines = [
    `### ${Math.round(noise * 100)}% of labels flipped`,
    '',
    ...(importSeconds !== null
      ? [`Import of the noisy set (not counted): ${importSeconds.toFixed(0)} s.`, '']
      : []),
    `| row | OOF accuracy vs true labels | ECE vs given | ECE vs true | ${filters.map((f) => `${f}: flagged · precision · recall · precision at 90% recall`).join(' | ')} | train + issues wall | CPU time | load avg (start → end) |`,
    `| --- | --- | --- | --- | ${filters.map(() => '---').join(' | ')} | --- | --- | --- |`,
  ];
  for (const r of rows) {
    const wall = r.run.trainSeconds + (r.byFilter.get(filters[0])?.seconds ?? 0);
    const minutes = (s: number) => (Number.isFinite(s) ? `${(s / 60).toFixed(1)} min` : '–');
    lines.push(
      `| ${r.label} | ${pct(r.oofAccuracyTrue)} | ${pct(r.eceGiven)} | ${pct(r.eceTrue)} | ${filters.map((f) => cell(r.byFilter.get(f))).join(' | ')} | ${minutes(wall)} | ${minutes(r.run.cpuSeconds)} | ${r.run.loadStart} → ${r.run.loadEnd} |`,
    );
  }
  return lines;
}

/** The row of a trained run, and of the same run without calibration when it was calibrated. */
function scoreRows(project: Project, set: NoisySet, run: TrainedRun, filters: FilterBy[]): RowScore[] {
  const rows: RowScore[] = [{ label: run.spec, run, ...score(project, set, { runId: run.runId }, filters) }];
  const raw = uncalibratedProbs(project, run.runId);
  if (raw)
    rows.push({ label: `${run.spec} · uncalibrated`, run, ...score(project, set, { probs: raw }, filters) });
  return rows;
}

async function main() {
  const specs = values
    .rows!.split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const filters = values.filters!.split(',') as FilterBy[];
  const onlyFolds = values.folds ? new Set(values.folds.split(',').map(Number)) : null;
  const count = Number(values.count);
  const out: string[] = [
    '# Many-classes label-noise benchmark (Fashion-MNIST, 10 classes)',
    '',
    `${count} training images of Fashion-MNIST (${count / CLASSES} per class), 28×28×1, labels flipped uniformly to one of the other 9 classes. ` +
      `Each row: \`runCrossValidation\` (= \`relabel train\`, ${values.workers} worker processes) then \`computeIssueSet\` (= \`relabel issues\`, ranked by self_confidence) with each filter; ` +
      'a "· uncalibrated" row is the same run with its per-fold temperatures undone. ' +
      '"Precision at 90% recall": of the issues in rank order (self_confidence), the shortest top that holds 90% of the flips — what an annotator who stops there has seen (– when the flagged set finds fewer). ' +
      `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), Node ${process.version}. ` +
      'CPU time = this process and its training workers (user + system); on a shared machine it is the fairer cost figure, wall time includes waiting for the neighbours.',
    '',
  ];
  for (const noise of values.noise!.split(',').map(Number)) {
    const set = await noisySet(values.cache!, values.dir!, count, noise);
    const cacheFile = join(dirname(set.projectPath), 'runs.json');
    const cache = values.fresh ? { done: {}, pending: {} } : readCache(cacheFile);
    const save = () => writeFileSync(cacheFile, JSON.stringify(cache, null, 1));
    const project = Project.open(set.projectPath);
    const rows: RowScore[] = [];
    try {
      for (const spec of specs) {
        if (!cache.done[spec] && !values['score-only']) {
          console.error(`${Math.round(noise * 100)}% noise: ${spec} (load ${loadNow()})`);
          cache.done[spec] = await trainRow(project, set, spec, cache, save);
          save();
        }
        const run = cache.done[spec];
        const runId = run?.runId ?? cache.pending[spec]?.runId;
        if (run) rows.push(...scoreRows(project, set, run, filters));
        if (runId !== undefined && (!run || onlyFolds))
          rows.push(
            ...scorePartial(project, set, spec, runId, filters, {
              only: onlyFolds,
              trained: run,
              pending: cache.pending[spec],
            }),
          );
      }
      out.push(...table(noise, rows, filters, set.importSeconds), '');
    } finally {
      project.close();
    }
    const measured = new Set(rows.map((r) => `${r.run.commit} ${r.run.date.slice(0, 10)}`));
    out.push(`Trained (or scored, for an unfinished run) at ${[...measured].join('; ')}.`, '');
  }
  console.log(out.join('\n'));
  const dir = join(here, 'results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'many-classes.md'), out.join('\n'));
}

await main();
