/**
 * Which model finds label issues best, and how fast: the demo datasets a new user starts from
 * (`relabel demo --source fashion-mnist|procedural`, 10% of the labels flipped, noise_truth.txt the answer key),
 * each model run exactly as `relabel train` runs it (K-fold cross-validation, then confident learning with the
 * default method), plus the average of the baseline and pretrained runs (`relabel issues --runs A,B`).
 *
 * Per row: wall time of train + issues; precision/recall of the flagged set against noise_truth.txt; hold-out
 * accuracy and HTER (against the true labels) of a model trained on the given labels vs one trained after
 * accepting every suggestion (`relabel retrain`, same model, same 20% hold-out split).
 *
 *   npx tsx bench/models.ts [--counts 2000,10000] [--sources fashion-mnist,procedural] [--models baseline,cnn,pretrained]
 *   npx tsx bench/models.ts --sizes 96,128,160 [--counts 2000]   (pretrained only: the backbone input size)
 * Tables go to bench/results/models.md (--out NAME for another file, e.g. one table per count; --sizes writes
 * models-sizes.md, or models-sizes-<count>.md for another count than 2,000); work files under a temp folder
 * (--keep to keep them; --work DIR reuses a kept folder's imported demo sets).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CLEANLAB_DEFAULT_FILTER_BY,
  defaultFilterBy,
  type ModelName,
  type TrainConfig,
} from '../src-shared/domain';
import { type DemoSource } from '../src-main/core/dataset/demo';
import { defaultBackbone } from '../src-main/core/features/backbone-spec';
import { Project } from '../src-main/core/store/project';
import { argmaxRows, computeMetrics } from '../src-main/core/train';
import { holdoutSplit, runRetrain } from '../src-main/core/workflows/holdout';
import { importProbabilities } from '../src-main/core/workflows/import-probs';
import { computeIssueSet } from '../src-main/core/workflows/label-issues';
import { trainAndRankIssues } from '../src-main/core/workflows/train-and-rank';
import { benchLog, copyProjectFile, demoProject, loadNow } from './common';

const { values } = parseArgs({
  options: {
    counts: { type: 'string' }, // default: 2000,10000; with --sizes 2000
    sources: { type: 'string', default: 'fashion-mnist,procedural' },
    models: { type: 'string', default: 'baseline,cnn,pretrained' },
    sizes: { type: 'string' },
    workers: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: 'models.md' },
    work: { type: 'string' },
  },
});
const here = fileURLToPath(new URL('.', import.meta.url));
const work = values.work ?? mkdtempSync(join(tmpdir(), 'relabel-bench-models-'));
const workers = Number(values.workers);
const log = benchLog('models');

interface Dataset {
  source: DemoSource;
  count: number;
  project: string;
  flipped: Set<number>;
  clean: Int32Array;
}

async function prepare(source: DemoSource, count: number): Promise<Dataset> {
  const dir = join(work, `${source}-${count}`);
  const { project, flipped } = await demoProject(dir, `${dir}.relabel`, {
    source,
    count,
    seed: 1,
    noise: 0.1,
  });
  const p = Project.open(project, { readonly: true });
  try {
    const clean = p.getGivenLabels().map((l, i) => (flipped.has(i) ? 1 - l : l));
    return { source, count, project, flipped, clean };
  } finally {
    p.close();
  }
}

const copy = (from: string, name: string) => {
  const to = join(work, name);
  copyProjectFile(from, to);
  return to;
};

interface Found {
  flagged: number[];
  precision: number;
  recall: number;
}

function found(p: Project, setId: number, d: Dataset): Found {
  const { rows } = p.issues.page(setId, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
  const flagged = rows.map((r) => r.sampleIndex);
  const hits = flagged.filter((i) => d.flipped.has(i)).length;
  return { flagged, precision: hits / Math.max(1, flagged.length), recall: hits / d.flipped.size };
}

/** Accepts every suggestion of the latest issue set (a relabel to the suggested class), as "Accept all" does. */
function acceptAll(p: Project): number {
  const set = p.issues.latest()!;
  const { rows } = p.issues.page(set.id, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
  p.decisions.recordBatch(
    rows.map((r) => ({
      target: { index: r.sampleIndex, path: r.path, givenLabel: r.givenLabel },
      action: 'relabel' as const,
      newLabel: r.suggestedLabel,
    })),
    'bench',
  );
  return rows.length;
}

/** Hold-out test probabilities of the latest holdout ("before") and retrain ("after") runs. */
async function holdoutProbs(p: Project, model: ModelName) {
  const r = await runRetrain(p, { model, workers });
  return { before: p.runs.probs(r.beforeRunId)!.values, after: p.runs.probs(r.afterRunId)!.values };
}

function holdoutMetrics(p: Project, probs: Float32Array, d: Dataset) {
  const { test } = holdoutSplit(p, 0.2, 42);
  const rows = new Float32Array(test.length * 2);
  test.forEach((s, i) => rows.set(probs.subarray(s * 2, s * 2 + 2), i * 2));
  const m = computeMetrics(
    Int32Array.from(test, (s) => d.clean[s]),
    argmaxRows(rows, 2),
    2,
  );
  return { accuracy: m.accuracy, hter: m.hter };
}

interface Row {
  data: string;
  model: string;
  seconds: number;
  flagged: number;
  precision: number;
  recall: number;
  before?: { accuracy: number; hter: number };
  after?: { accuracy: number; hter: number };
  note: string;
}

async function trainModel(
  d: Dataset,
  model: ModelName,
  extra: Partial<TrainConfig> = {},
  backboneSize?: number,
) {
  const path = copy(
    d.project,
    `${d.source}-${d.count}-${model}${backboneSize ? `-${backboneSize}` : ''}.relabel`,
  );
  const p = Project.open(path);
  try {
    log(
      `${d.source} ${d.count} ${model}${backboneSize ? ` @${backboneSize}px` : ''}: train + issues (load ${loadNow()})`,
    );
    const t = Date.now();
    const { runId, issueSet: ownSet } = await trainAndRankIssues(
      p,
      { model, workers, ...extra },
      backboneSize ? { backbone: { ...defaultBackbone(), inputSize: backboneSize } } : {},
    );
    const seconds = (Date.now() - t) / 1000;
    // The training ranked with Relabel's own default filter (for the notes); cleanlab's default, the issue's
    // reference, is ranked after it and stays the latest set (the one "accept all" takes).
    const own = found(p, ownSet.id, d);
    const issueSet = computeIssueSet(p, {
      runId,
      filterBy: CLEANLAB_DEFAULT_FILTER_BY,
      rankedBy: 'self_confidence',
    });
    const f = found(p, issueSet.id, d);
    const run = p.runs.get(runId)!;
    log(`  ${seconds.toFixed(0)} s, P ${f.precision.toFixed(3)} R ${f.recall.toFixed(3)}`);
    return { path, runId, seconds, found: f, own, notes: run.notes };
  } finally {
    p.close();
  }
}

async function withHoldout(path: string, models: ModelName[], d: Dataset) {
  const p = Project.open(path);
  try {
    acceptAll(p);
    const parts: { before: Float32Array; after: Float32Array }[] = [];
    for (const m of models) parts.push(await holdoutProbs(p, m));
    const mean = (key: 'before' | 'after') => {
      const out = new Float32Array(parts[0][key].length);
      for (const part of parts) part[key].forEach((v, i) => (out[i] += v / parts.length));
      return out;
    };
    return { before: holdoutMetrics(p, mean('before'), d), after: holdoutMetrics(p, mean('after'), d) };
  } finally {
    p.close();
  }
}

function probsCsv(path: string, runId: number, out: string): void {
  const p = Project.open(path, { readonly: true });
  try {
    const labels = p.getGivenLabels();
    const probs = p.runs.probs(runId)!.values;
    const lines = Array.from(labels, (l, i) => `${l},${probs[i * 2]},${probs[i * 2 + 1]}`);
    writeFileSync(out, 'label,p0,p1\n' + lines.join('\n') + '\n');
  } finally {
    p.close();
  }
}

/** The same run ranked with Relabel's own two-class default filter (bench/filters.ts compares them all). */
const ownNote = (f: Found) =>
  `${defaultFilterBy(2)}: ${f.flagged.length} flagged, P ${f3(f.precision)} / R ${f3(f.recall)}`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);
const time = (seconds: number) => {
  const s = Math.round(seconds); // rounded first: 359.6 s is "6 min 0 s", not "5 min 60 s"
  return s >= 120 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

async function compare(): Promise<void> {
  const rows: Row[] = [];
  const loads: string[] = [`start: ${loadNow()}`];
  const models = values.models.split(',') as ModelName[];
  for (const count of (values.counts ?? '2000,10000').split(',').map(Number)) {
    for (const source of values.sources.split(',') as DemoSource[]) {
      const d = await prepare(source, count);
      const data = `${source === 'fashion-mnist' ? 'Fashion-MNIST' : 'drawn faces'} ${count.toLocaleString('en')}`;
      const trained = new Map<ModelName, Awaited<ReturnType<typeof trainModel>>>();
      for (const m of models) {
        const r = await trainModel(d, m);
        trained.set(m, r);
        // Keep the trained project for the average row before decisions are made in it.
        copyFileSync(r.path, `${r.path}.trained`);
        const h = await withHoldout(r.path, [m], d);
        const chosen = r.notes.filter((n) => / C = /.test(n)).map((n) => n.match(/C = ([\d.e-]+)/)![1]);
        rows.push({
          data,
          model: m,
          seconds: r.seconds,
          flagged: r.found.flagged.length,
          precision: r.found.precision,
          recall: r.found.recall,
          ...h,
          note: [ownNote(r.own), chosen.length ? `C per fold: ${chosen.join(', ')}` : '']
            .filter(Boolean)
            .join('; '),
        });
        loads.push(`${data} ${m}: ${loadNow()}`);
      }
      const b = trained.get('baseline');
      const pre = trained.get('pretrained');
      if (b && pre) {
        // The average: the baseline's OOF probabilities imported into the pretrained project, then --runs.
        const path = copy(`${pre.path}.trained`, `${source}-${count}-average.relabel`);
        const csv = join(work, `${source}-${count}-baseline-oof.csv`);
        probsCsv(b.path + '.trained', b.runId, csv);
        const p = Project.open(path);
        let f: Found;
        let own: Found;
        try {
          const imported = importProbabilities(p, csv);
          own = found(
            p,
            computeIssueSet(p, {
              runIds: [pre.runId, imported],
              filterBy: defaultFilterBy(2),
              rankedBy: 'self_confidence',
            }).id,
            d,
          );
          const set = computeIssueSet(p, {
            runIds: [pre.runId, imported],
            filterBy: CLEANLAB_DEFAULT_FILTER_BY,
            rankedBy: 'self_confidence',
          });
          f = found(p, set.id, d);
        } finally {
          p.close();
        }
        const h = await withHoldout(path, ['baseline', 'pretrained'], d);
        rows.push({
          data,
          model: 'average of baseline + pretrained',
          seconds: b.seconds + pre.seconds,
          flagged: f.flagged.length,
          precision: f.precision,
          recall: f.recall,
          ...h,
          note: `${ownNote(own)}; time: both runs; hold-out: both models retrained, probabilities averaged`,
        });
      }
      writeCompare(rows, loads);
    }
  }
}

function writeCompare(rows: Row[], loads: string[]): void {
  const lines = [
    '# Model comparison on the demo datasets (train + issues, flagged set vs noise_truth.txt, hold-out before/after)',
    '',
    `\`relabel demo --source <source> --count <n>\` (seed 1, 10% of the labels flipped, ~13% class 0), imported as ` +
      `\`relabel import\` does; each model as \`relabel train --model <m>\` runs it (5 folds, defaults, ${workers} workers, ` +
      `wasm backend), issues with cleanlab's default method (prune_by_noise_rate, self_confidence; Relabel's own two-class default is compared in bench/filters.ts). Hold-out: \`relabel retrain\` ` +
      `after accepting every suggestion, same model, 20% stratified hold-out, scored against the TRUE labels. ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared with other work: wall times are noisy (load below).`,
    '',
    '| data | model | train + issues | flagged | precision | recall | hold-out acc before → after | hold-out HTER before → after | notes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.data} | ${r.model} | ${time(r.seconds)} | ${r.flagged} | ${f3(r.precision)} | ${f3(r.recall)} | ` +
        `${r.before ? `${pct(r.before.accuracy)} → ${pct(r.after!.accuracy)}` : '–'} | ` +
        `${r.before ? `${f3(r.before.hter)} → ${f3(r.after!.hter)}` : '–'} | ${r.note} |`,
    ),
    '',
    `Load average (1, 5, 15 min) at each step: ${loads.join('; ')}.`,
    '',
  ];
  const dir = join(here, 'results');
  if (!existsSync(dir)) mkdirSync(dir);
  writeFileSync(join(dir, values.out), lines.join('\n'));
}

async function sizes(list: number[], count: number): Promise<void> {
  const rows: string[] = [];
  const file = count === 2000 ? 'models-sizes.md' : `models-sizes-${count}.md`;
  for (const source of values.sources.split(',') as DemoSource[]) {
    const d = await prepare(source, count);
    for (const size of list) {
      const r = await trainModel(d, 'pretrained', {}, size);
      const embed = r.notes.find((n) => /images embedded on/.test(n)) ?? '';
      const secs = Number(embed.match(/in (\d+) s/)?.[1] ?? NaN);
      const lr = r.notes
        .find((n) => /logistic regression cross-validation took/.test(n))
        ?.match(/took ([\d.]+) s/)?.[1];
      rows.push(
        `| ${source} | ${size} px | ${(count / secs).toFixed(1)} | ${time(r.seconds)} | ${lr} s | ${f3(r.found.precision)} | ${f3(r.found.recall)} | ${f3(r.own.precision)} · ${f3(r.own.recall)} | ${loadNow()} |`,
      );
      writeFileSync(
        join(here, 'results', file),
        [
          `# Backbone input size: quality vs time (pretrained, ${count.toLocaleString('en')} demo images, 10% flipped)`,
          '',
          `Images are resized from the imported 64 px to the backbone's input side; ${workers} embedding workers (wasm). ` +
            "Precision/recall with cleanlab's default filter, then with Relabel's own two-class default.",
          '',
          "| data | input | embedded images/s | train + issues | of which LR-CV | precision | recall | Relabel's filter: P · R | load |",
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
          ...rows,
          '',
        ].join('\n'),
      );
    }
  }
}

try {
  if (values.sizes) {
    for (const count of (values.counts ?? '2000').split(',').map(Number))
      await sizes(values.sizes.split(',').map(Number), count);
  } else await compare();
} finally {
  if (!values.keep && !values.work) rmSync(work, { recursive: true, force: true });
  else log(`work files kept in ${work}`);
}
