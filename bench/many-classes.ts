/**
 * Many-classes label-noise benchmark: Fashion-MNIST, all 10 classes, 10,000 images 28×28 (1,000 per
 * class), 10% and 20% of the labels flipped uniformly to another class. Each row goes through the
 * product's own path: the noisy set imported once into a project (not timed), then
 * `runCrossValidation` (what `relabel train` runs) and `computeIssueSet` (what `relabel issues` runs).
 * Reports out-of-fold accuracy against the TRUE labels, expected calibration error, issues flagged,
 * precision and recall of the flagged set against the flips, wall time and CPU time.
 *
 *   npx tsx bench/many-classes.ts [--rows SPEC;SPEC…] [--noise 0.1,0.2] [--count 10000] [--workers N] [--fresh]
 *
 * A row SPEC is a training configuration: `default` (the product defaults), or a model name with
 * overrides, e.g. `cnn:augment=shift,epochs=20` (any TrainConfig field), or `avg(SPEC+SPEC)`: the mean of
 * those rows' probabilities, scored as one run. Every run is scored with each issue filter of --filters
 * (cleanlab's methods on the same probabilities: a cheap post-processing step), and a calibrated run also
 * without its temperatures. Trained runs are cached per data set under /tmp/relabel-bench-many-classes
 * (with the commit that trained them), so rows can be added one at a time; --fresh trains them again.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
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

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: 'default' },
    noise: { type: 'string', default: '0.1,0.2' },
    count: { type: 'string', default: '10000' },
    workers: { type: 'string', default: String(availableParallelism()) },
    filters: { type: 'string', default: 'prune_by_noise_rate,both,low_self_confidence' },
    fresh: { type: 'boolean', default: false },
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

/** One filter's flagged set against the flips. */
interface FlagScore {
  flagged: number;
  precision: number;
  recall: number;
  seconds: number;
}

interface RowScore {
  label: string;
  run: TrainedRun;
  oofAccuracyTrue: number;
  eceGiven: number;
  eceTrue: number;
  byFilter: Map<FilterBy, FlagScore>;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

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
  source: { runId: number } | { probs: Float32Array },
  filters: FilterBy[],
): Omit<RowScore, 'label' | 'run'> {
  const probs = 'probs' in source ? source.probs : project.runs.probs(source.runId)!.values;
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
        findLabelIssues(set.given, rows, CLASSES, { filterBy, rankedBy: 'self_confidence' }),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const found = flaggedSamples.filter((s) => set.flipped.has(s)).length;
    byFilter.set(filterBy, {
      flagged: flaggedSamples.length,
      precision: flaggedSamples.length ? found / flaggedSamples.length : 0,
      recall: found / set.flipped.size,
      seconds,
    });
  }
  const predicted = argmaxRows(probs, CLASSES);
  return {
    oofAccuracyTrue: predicted.filter((p, i) => p === set.truth[i]).length / predicted.length,
    eceGiven: calibrationSummary(probs, set.given, CLASSES).ece,
    eceTrue: calibrationSummary(probs, set.truth, CLASSES).ece,
    byFilter,
  };
}

/** Trains (or averages) one row on the set's project. */
async function trainRow(
  project: Project,
  set: NoisySet,
  spec: string,
  done: Map<string, TrainedRun>,
): Promise<TrainedRun> {
  const loadStart = load();
  const cpuBefore = cpuSecondsWithChildren();
  const started = performance.now();
  let runId: number;
  const members = /^avg\((.*)\)$/.exec(spec)?.[1].split('+');
  if (members) {
    const runs: TrainedRun[] = [];
    for (const m of members) {
      const r = done.get(m) ?? (await trainRow(project, set, m, done));
      done.set(m, r);
      runs.push(r);
    }
    runId = averageRuns(
      project,
      runs.map((r) => r.runId),
    );
  } else {
    runId = await runCrossValidation(project, { ...parseSpec(spec), workers: Number(values.workers) }, {});
  }
  return {
    spec,
    runId,
    trainSeconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSecondsWithChildren() - cpuBefore,
    loadStart,
    loadEnd: load(),
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
  f ? `${f.flagged} · ${f.precision.toFixed(3)} · ${f.recall.toFixed(3)}` : '–';

function table(noise: number, rows: RowScore[], filters: FilterBy[], importSeconds: number | null): string[] {
  const lines = [
    `### ${Math.round(noise * 100)}% of labels flipped`,
    '',
    ...(importSeconds !== null
      ? [`Import of the noisy set (not counted): ${importSeconds.toFixed(0)} s.`, '']
      : []),
    `| row | OOF accuracy vs true labels | ECE vs given | ECE vs true | ${filters.map((f) => `${f}: flagged · precision · recall`).join(' | ')} | train + issues wall | CPU time | load avg (start → end) |`,
    `| --- | --- | --- | --- | ${filters.map(() => '---').join(' | ')} | --- | --- | --- |`,
  ];
  for (const r of rows) {
    const wall = r.run.trainSeconds + (r.byFilter.get(filters[0])?.seconds ?? 0);
    lines.push(
      `| ${r.label} | ${pct(r.oofAccuracyTrue)} | ${pct(r.eceGiven)} | ${pct(r.eceTrue)} | ${filters.map((f) => cell(r.byFilter.get(f))).join(' | ')} | ${(wall / 60).toFixed(1)} min | ${(r.run.cpuSeconds / 60).toFixed(1)} min | ${r.run.loadStart} → ${r.run.loadEnd} |`,
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
  const count = Number(values.count);
  const out: string[] = [
    '# Many-classes label-noise benchmark (Fashion-MNIST, 10 classes)',
    '',
    `${count} training images of Fashion-MNIST (${count / CLASSES} per class), 28×28×1, labels flipped uniformly to one of the other 9 classes. ` +
      `Each row: \`runCrossValidation\` (= \`relabel train\`, ${values.workers} worker processes) then \`computeIssueSet\` (= \`relabel issues\`, ranked by self_confidence) with each filter; ` +
      'a "· uncalibrated" row is the same run with its per-fold temperatures undone. ' +
      `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), Node ${process.version}. ` +
      'CPU time = this process and its training workers (user + system); on a shared machine it is the fairer cost figure, wall time includes waiting for the neighbours.',
    '',
  ];
  for (const noise of values.noise!.split(',').map(Number)) {
    const set = await noisySet(values.cache!, values.dir!, count, noise);
    const cacheFile = join(dirname(set.projectPath), 'runs.json');
    const cached: Record<string, TrainedRun> = existsSync(cacheFile)
      ? JSON.parse(readFileSync(cacheFile, 'utf8'))
      : {};
    const done = new Map(Object.entries(values.fresh ? {} : cached));
    const project = Project.open(set.projectPath);
    try {
      for (const spec of specs) {
        if (done.has(spec)) continue;
        console.error(`${Math.round(noise * 100)}% noise: ${spec} (load ${load()})`);
        done.set(spec, await trainRow(project, set, spec, done));
        Object.assign(cached, Object.fromEntries(done));
        writeFileSync(cacheFile, JSON.stringify(cached, null, 1));
      }
      const rows = specs.flatMap((s) => scoreRows(project, set, done.get(s)!, filters));
      out.push(...table(noise, rows, filters, set.importSeconds), '');
    } finally {
      project.close();
    }
    const measured = new Set(specs.map((s) => `${done.get(s)!.commit} ${done.get(s)!.date.slice(0, 10)}`));
    out.push(`Trained at ${[...measured].join('; ')}.`, '');
  }
  console.log(out.join('\n'));
  const dir = join(here, 'results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'many-classes.md'), out.join('\n'));
}

await main();
