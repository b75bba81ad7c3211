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
 * overrides, e.g. `cnn:augment=shift,epochs=20` (any TrainConfig field; `filter=both` picks the issue
 * filter), or `avg(SPEC+SPEC)`: the mean of those rows' probabilities, scored as one run. Finished rows
 * are cached per data set under /tmp/relabel-bench-many-classes (with the commit that measured them), so
 * rows can be added one at a time; --fresh measures the requested rows again.
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
import { CLASSES, noisySet, type NoisySet } from './many-classes-data';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: 'default' },
    noise: { type: 'string', default: '0.1,0.2' },
    count: { type: 'string', default: '10000' },
    workers: { type: 'string', default: String(availableParallelism()) },
    fresh: { type: 'boolean', default: false },
    cache: { type: 'string', default: '/tmp/relabel-bench-many-classes' },
    dir: {
      type: 'string',
      default: process.env.RELABEL_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
    },
  },
});
const here = dirname(fileURLToPath(import.meta.url));

interface RowResult {
  spec: string;
  runId: number;
  oofAccuracyTrue: number;
  eceGiven: number;
  eceTrue: number;
  flagged: number;
  precision: number;
  recall: number;
  trainSeconds: number;
  issuesSeconds: number;
  cpuSeconds: number;
  loadStart: string;
  loadEnd: string;
  commit: string;
  date: string;
  notes: string[];
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

/** `model:key=value,…` → training overrides and the issue filter. */
function parseSpec(spec: string): { overrides: Partial<TrainConfig>; filterBy: FilterBy } {
  const [model, rest] = spec.split(':');
  const overrides: Record<string, unknown> = model === 'default' ? {} : { model };
  let filterBy: FilterBy = 'prune_by_noise_rate';
  for (const pair of rest ? rest.split(',') : []) {
    const [key, raw] = pair.split('=');
    if (!key || raw === undefined) throw new Error(`row '${spec}': expected key=value, got '${pair}'`);
    const value =
      raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
    if (key === 'filter') filterBy = raw as FilterBy;
    else overrides[key] = value;
  }
  return { overrides: overrides as Partial<TrainConfig>, filterBy };
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

/** Scores a finished run's probabilities and the issue set computed from them. */
function score(project: Project, set: NoisySet, runId: number, filterBy: FilterBy) {
  const probs = project.runs.probs(runId)!.values;
  const started = performance.now();
  const issues = computeIssueSet(project, { runId, filterBy, rankedBy: 'self_confidence' });
  const issuesSeconds = (performance.now() - started) / 1000;
  const flaggedSamples = project.issues
    .page(issues.id, { status: 'all' }, 0, issues.count)
    .rows.map((i) => i.sampleIndex);
  const found = flaggedSamples.filter((s) => set.flipped.has(s)).length;
  const predicted = argmaxRows(probs, CLASSES);
  return {
    oofAccuracyTrue: predicted.filter((p, i) => p === set.truth[i]).length / predicted.length,
    eceGiven: calibrationSummary(probs, set.given, CLASSES).ece,
    eceTrue: calibrationSummary(probs, set.truth, CLASSES).ece,
    flagged: flaggedSamples.length,
    precision: flaggedSamples.length ? found / flaggedSamples.length : 0,
    recall: found / set.flipped.size,
    issuesSeconds,
  };
}

/** Trains (or averages) one row on the set's project and scores it. */
async function measureRow(
  project: Project,
  set: NoisySet,
  spec: string,
  done: Map<string, RowResult>,
): Promise<RowResult> {
  const loadStart = load();
  const cpuBefore = cpuSecondsWithChildren();
  const started = performance.now();
  let runId: number;
  let filterBy: FilterBy = 'prune_by_noise_rate';
  const members = /^avg\((.*)\)$/.exec(spec)?.[1].split('+');
  if (members) {
    const runs = await Promise.all(
      members.map(async (m) => done.get(m) ?? (await measureRow(project, set, m, done))),
    );
    for (const [i, r] of runs.entries()) done.set(members[i], r);
    runId = averageRuns(
      project,
      runs.map((r) => r.runId),
    );
  } else {
    const parsed = parseSpec(spec);
    filterBy = parsed.filterBy;
    runId = await runCrossValidation(project, { ...parsed.overrides, workers: Number(values.workers) }, {});
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const s = score(project, set, runId, filterBy);
  const cpuSeconds = cpuSecondsWithChildren() - cpuBefore;
  const run = project.runs.get(runId)!;
  return {
    spec,
    runId,
    ...s,
    trainSeconds,
    cpuSeconds,
    loadStart,
    loadEnd: load(),
    commit: commit(),
    date: new Date().toISOString(),
    notes: run.notes,
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

/** The same run scored without its calibration (same training, so same times), or null. */
function uncalibratedTwin(project: Project, set: NoisySet, r: RowResult): RowResult | null {
  const raw = uncalibratedProbs(project, r.runId);
  if (!raw) return null;
  const runId = storeProbs(project, `run ${r.runId} without temperature scaling`, raw);
  const filterBy = /^avg\(/.test(r.spec) ? 'prune_by_noise_rate' : parseSpec(r.spec).filterBy;
  return { ...r, ...score(project, set, runId, filterBy), spec: `${r.spec} · uncalibrated`, runId };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function table(noise: number, rows: RowResult[], importSeconds: number | null): string[] {
  const lines = [
    `### ${Math.round(noise * 100)}% of labels flipped`,
    '',
    ...(importSeconds !== null
      ? [`Import of the noisy set (not counted): ${importSeconds.toFixed(0)} s.`, '']
      : []),
    '| row | OOF accuracy vs true labels | ECE vs given | ECE vs true | flagged | precision | recall | train + issues wall | CPU time | load avg (start → end) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const wall = r.trainSeconds + r.issuesSeconds;
    lines.push(
      `| ${r.spec} | ${pct(r.oofAccuracyTrue)} | ${pct(r.eceGiven)} | ${pct(r.eceTrue)} | ${r.flagged} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${(wall / 60).toFixed(1)} min | ${(r.cpuSeconds / 60).toFixed(1)} min | ${r.loadStart} → ${r.loadEnd} |`,
    );
  }
  return lines;
}

async function main() {
  const specs = values
    .rows!.split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const count = Number(values.count);
  const out: string[] = [
    '# Many-classes label-noise benchmark (Fashion-MNIST, 10 classes)',
    '',
    `${count} training images of Fashion-MNIST (${count / CLASSES} per class), 28×28×1, labels flipped uniformly to one of the other 9 classes. ` +
      `Each row: \`runCrossValidation\` (= \`relabel train\`, ${values.workers} worker processes) then \`computeIssueSet\` (= \`relabel issues\`, prune_by_noise_rate, self_confidence unless the row says filter=…). ` +
      `${availableParallelism()} cores (${cpus()[0]?.model.trim()}), Node ${process.version}. ` +
      'CPU time = this process and its training workers (user + system); on a shared machine it is the fairer cost figure, wall time includes waiting for the neighbours.',
    '',
  ];
  for (const noise of values.noise!.split(',').map(Number)) {
    const set = await noisySet(values.cache!, values.dir!, count, noise);
    const cacheFile = join(dirname(set.projectPath), 'rows.json');
    const cached: Record<string, RowResult> = existsSync(cacheFile)
      ? JSON.parse(readFileSync(cacheFile, 'utf8'))
      : {};
    const done = new Map(Object.entries(values.fresh ? {} : cached));
    const project = Project.open(set.projectPath);
    try {
      for (const spec of specs) {
        if (done.has(spec)) continue;
        console.error(`${Math.round(noise * 100)}% noise: ${spec} (load ${load()})`);
        const r = await measureRow(project, set, spec, done);
        done.set(spec, r);
        const twin = uncalibratedTwin(project, set, r);
        if (twin) done.set(twin.spec, twin);
        Object.assign(cached, Object.fromEntries(done));
        writeFileSync(cacheFile, JSON.stringify(cached, null, 1));
        console.error(JSON.stringify({ ...r, notes: undefined }));
      }
    } finally {
      project.close();
    }
    out.push(
      ...table(
        noise,
        specs.map((s) => done.get(s)!),
        set.importSeconds,
      ),
      '',
    );
    const measured = new Set(specs.map((s) => `${done.get(s)!.commit} ${done.get(s)!.date.slice(0, 10)}`));
    out.push(`Measured at ${[...measured].join('; ')}.`, '');
  }
  console.log(out.join('\n'));
  const dir = join(here, 'results');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'many-classes.md'), out.join('\n'));
}

await main();
