/**
 * "Show why" benchmark: which saliency method the review uses, and what an overlay costs.
 *
 * 1. Agreement and speed of gradient × input vs occlusion on the review's own images: the drawn-faces demo
 *    (64×64 RGB, 10 % flipped labels) trained with K-fold CV (baseline), the top label issues explained by
 *    the out-of-fold model towards the suggested and against the given label, both methods in one process.
 * 2. Overlay latency per image and model through the explain worker (what the review waits for after the
 *    image is shown): cold (worker start + model load), warm and cached.
 * 3. The review's next-issue call (getIssues + decide on the main thread) while overlays are computed back
 *    to back, vs idle: the overlay must not delay it.
 * 4. The class-evidence map (F per pixel) over the dataset.
 *
 *   npx tsx bench/saliency.ts [--count 2500] [--folds 3] [--epochs 8] [--issues 24]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ModelName } from '../src-shared/domain';
import type { SaliencyMethod } from '../src-shared/evidence';
import { writeDemoDataset } from '../src-main/core/dataset/demo';
import { importDataset } from '../src-main/core/dataset/import';
import { classEvidence } from '../src-main/core/evidence/class-evidence';
import { Explainer } from '../src-main/core/evidence/explainer';
import { OverlayService } from '../src-main/core/evidence/overlays';
import { explainImage, occlusionGrid } from '../src-main/core/evidence/saliency';
import { createService } from '../src-main/core/service';
import { Project } from '../src-main/core/store/project';
import { buildModel, restoreModel, selectBackend, serializeModel } from '../src-main/core/train';
import { runCrossValidation } from '../src-main/core/workflows/cross-validation-run';
import { computeIssueSet } from '../src-main/core/workflows/label-issues';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '2500' },
    folds: { type: 'string', default: '3' },
    epochs: { type: 'string', default: '8' },
    issues: { type: 'string', default: '24' },
  },
});
const load = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length
    ? s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    : NaN;
};
const pct = (v: number[], q: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))];
const f0 = (x: number) => x.toFixed(0);
const f2 = (x: number) => x.toFixed(2);

/** Spearman rank correlation (average ranks for ties). */
function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rank = (v: ArrayLike<number>) => {
    const idx = Array.from({ length: v.length }, (_, i) => i).sort((i, j) => v[i] - v[j]);
    const r = new Float64Array(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let t = i; t <= j; t++) r[idx[t]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  return pearson(rank(a), rank(b));
}
function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb || 1);
}
/** Share of the top-q pixels of `ref` that are also among the top-q pixels of `b`. */
function topOverlap(ref: ArrayLike<number>, b: ArrayLike<number>, q = 0.1): number {
  const n = ref.length;
  const m = Math.max(1, Math.round(n * q));
  const top = (v: ArrayLike<number>) =>
    new Set(
      Array.from({ length: n }, (_, i) => i)
        .sort((i, j) => v[j] - v[i])
        .slice(0, m),
    );
  const ta = top(ref);
  let hit = 0;
  for (const i of top(b)) if (ta.has(i)) hit++;
  return hit / m;
}
const lines: string[] = [];
const out = (s = '') => {
  lines.push(s);
  process.stdout.write(s + '\n');
};

const dir = mkdtempSync(join(tmpdir(), 'relabel-bench-saliency-'));
try {
  out('# "Show why" benchmark (saliency overlays, class-evidence map)');
  out();
  out(
    `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at start ${load()}.`,
  );
  const count = Number(args.count);
  const t0 = performance.now();
  await writeDemoDataset(join(dir, 'data'), { source: 'procedural', count, noise: 0.1, seed: 3 });
  const projectPath = join(dir, 'faces.relabel');
  const project = Project.create(projectPath);
  await importDataset(project, join(dir, 'data'), { onBadImage: 'stop' });
  const info = project.requireDataset();
  process.stderr.write(`demo written and imported in ${f0((performance.now() - t0) / 1000)} s\n`);

  // 4. The class-evidence map.
  const te = performance.now();
  const evidence = await classEvidence(project, { save: false });
  const evidenceMs = performance.now() - te;

  const tt = performance.now();
  const runId = await runCrossValidation(project, {
    model: 'baseline',
    folds: Number(args.folds),
    epochs: Number(args.epochs),
    workers: 2,
    backend: 'wasm',
  });
  process.stderr.write(`trained run #${runId} in ${f0((performance.now() - tt) / 1000)} s\n`);
  const set = computeIssueSet(project, {
    runId,
    filterBy: 'prune_by_noise_rate',
    rankedBy: 'self_confidence',
  });
  const issues = project.issues.page(set.id, { status: 'all' }, 0, Number(args.issues)).rows;
  const metrics = project.runs.get(runId)!.metrics!;

  // 1. Agreement of gradient × input with occlusion, in one process.
  const { tf, name: backend } = await selectBackend('wasm');
  const folds = project.runs.folds(runId);
  const foldOf = new Map<number, number>();
  for (const f of folds) for (const s of f.testIndices) foldOf.set(s, f.fold);
  const models = new Map(folds.map((f) => [f.fold, restoreModel(tf, project.models.get(runId, f.fold)!)]));
  const { inputHeight: h, inputWidth: w, channels: c } = info;
  const agree = {
    plainRho: [] as number[],
    plainTop: [] as number[],
    rho: [] as number[],
    top: [] as number[],
  };
  const inProcess: Record<SaliencyMethod, number[]> = { occlusion: [], 'gradient-x-input': [] };
  for (const issue of issues) {
    const model = models.get(foldOf.get(issue.sampleIndex)!)!;
    const base = {
      tf,
      model,
      image: project.readSamplePixels(issue.sampleIndex)!,
      height: h,
      width: w,
      channels: c,
      towards: issue.suggestedLabel,
      against: issue.givenLabel,
    };
    const maps = {} as Record<SaliencyMethod, Float32Array>;
    for (const method of ['occlusion', 'gradient-x-input'] as const) {
      const t = performance.now();
      maps[method] = (await explainImage({ ...base, method })).values;
      inProcess[method].push(performance.now() - t);
    }
    const plain = (await explainImage({ ...base, method: 'gradient-x-input', plainGradient: true })).values;
    agree.plainRho.push(spearman(plain, maps.occlusion));
    agree.plainTop.push(topOverlap(maps.occlusion, plain));
    agree.rho.push(spearman(maps['gradient-x-input'], maps.occlusion));
    agree.top.push(topOverlap(maps.occlusion, maps['gradient-x-input']));
  }
  models.forEach((m) => m.dispose());

  out();
  out(
    `Data: drawn-faces demo, ${count} images ${w}×${h}×${c}, 10 % labels flipped; ${folds.length}-fold baseline CNN, ${args.epochs} epochs, out-of-fold accuracy vs given labels ${f2(metrics.accuracy)}; class-evidence map and overlays on ${backend}.`,
  );
  out();
  out('## Method: gradient × input vs occlusion');
  out();
  out(
    `On the top ${issues.length} label issues, each explained by its out-of-fold model towards the suggested and against the given label. Occlusion: ${occlusionGrid(h, w).patch}×${occlusionGrid(h, w).patch} patches, stride ${occlusionGrid(h, w).stride}, filled with the image's mean colour. "plain" = ∂f/∂x · x per pixel; "as shipped" = ∂f/∂x · (x − mean colour) summed over the same patches (the first-order estimate of the occlusion map). f = log p(suggested) − log p(given). Top-10 % overlap = share of occlusion's top-10 % pixels that are also among gradient × input's.`,
  );
  out();
  out('| measure | median | p25 – p75 |');
  out('| --- | ---: | ---: |');
  const row = (name: string, v: number[]) =>
    out(`| ${name} | ${f2(median(v))} | ${f2(pct(v, 0.25))} – ${f2(pct(v, 0.75))} |`);
  row('Spearman ρ with occlusion, plain gradient × input', agree.plainRho);
  row('Spearman ρ with occlusion, as shipped', agree.rho);
  row('top-10 % overlap with occlusion, plain', agree.plainTop);
  row('top-10 % overlap with occlusion, as shipped', agree.top);
  out(`| chance level of the top-10 % overlap | 0.10 | |`);
  out();
  out('| method | in-process ms per image (median) | p90 |');
  out('| --- | ---: | ---: |');
  for (const m of ['occlusion', 'gradient-x-input'] as const)
    out(`| ${m} | ${f0(median(inProcess[m]))} | ${f0(pct(inProcess[m], 0.9))} |`);

  // 2. Latency through the worker, per model and input.
  out();
  out('## Overlay latency per image (explain worker, what the review waits for)');
  out();
  out(
    '"warm" = model already loaded in the worker, median over 12 images (wall ms inside the worker / CPU ms of the worker / round trip ms seen by the main process); "cold" = first overlay: worker start, backend load, model load; "cached" = the same image again (main process only). Target: < 300 ms for the baseline.',
  );
  out();
  out('| model | input | method | cold ms | warm wall ms | warm CPU ms | warm round trip ms | cached ms |');
  out('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |');
  const cases: [ModelName, number, 1 | 3][] = [
    ['baseline', 64, 3],
    ['baseline', 28, 1],
    ['cnn', 64, 3],
    ['cnn', 28, 1],
  ];
  for (const [model, side, ch] of cases) {
    for (const method of ['gradient-x-input', 'occlusion'] as const) {
      const explainer = new Explainer('wasm');
      const m = buildModel(tf, model, { height: side, width: side, channels: ch }, 2, 7);
      const serialized = await serializeModel(m, model, { height: side, width: side, channels: ch }, 2);
      m.dispose();
      const image = (i: number) =>
        Uint8Array.from({ length: side * side * ch }, (_, p) => (p * 31 + i * 17) & 255);
      const req = (i: number) => ({
        modelKey: 'm',
        load: () => serialized,
        image: image(i),
        height: side,
        width: side,
        channels: ch,
        towards: 0,
        against: 1,
        method,
      });
      let t = performance.now();
      await explainer.explain(req(0));
      const cold = performance.now() - t;
      const wall: number[] = [];
      const cpu: number[] = [];
      const trip: number[] = [];
      for (let i = 1; i <= 12; i++) {
        t = performance.now();
        const r = await explainer.explain(req(i));
        trip.push(performance.now() - t);
        wall.push(r.computeMs);
        cpu.push(r.cpuMs);
      }
      await explainer.close();
      const mark = (ms: number) => (model === 'baseline' ? (ms < 300 ? ' ✅' : ' ❌') : '');
      out(
        `| ${model} | ${side}×${side}×${ch} | ${method} | ${f0(cold)} | ${f0(median(wall))} | ${f0(median(cpu))}${mark(median(cpu))} | ${f0(median(trip))}${mark(median(trip))} | |`,
      );
    }
  }
  // Cached through the overlay service on the trained project.
  project.close();
  const service = createService({ projectPath, annotator: 'bench' });
  const explainer = new Explainer('wasm');
  const reopened = Project.open(projectPath);
  const overlays = new OverlayService(reopened, explainer);
  const first = issues[0];
  const req = {
    runId,
    sampleIndex: first.sampleIndex,
    towards: first.suggestedLabel,
    against: first.givenLabel,
  };
  await overlays.explain(req);
  const cachedMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await overlays.explain(req);
    cachedMs.push(performance.now() - t);
  }
  out(
    `| baseline (trained, review project) | ${w}×${h}×${c} | ${overlays.method} | | | | | ${f2(median(cachedMs))} |`,
  );

  // 3. The review's next-issue call with and without overlays computing, and the main thread's event-loop delay.
  type Sample = { next: number; decide: number };
  const step = async (i: number): Promise<Sample> => {
    let t = performance.now();
    const page = await service.getIssues({ offset: i % issues.length, limit: 1 });
    const next = performance.now() - t;
    t = performance.now();
    await service.decide({ sampleIndices: [page.issues[0].sampleIndex], action: 'keep' });
    return { next, decide: performance.now() - t };
  };
  const measure = async (rounds: number) => {
    const samples: Sample[] = [];
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    for (let i = 0; i < rounds; i++) {
      samples.push(await step(i));
      await new Promise((r) => setTimeout(r, 25));
    }
    lag.disable();
    return { samples, lagP99: lag.percentile(99) / 1e6, lagMax: lag.max / 1e6 };
  };
  const idle = await measure(40);
  process.stderr.write('next-issue calls idle: done\n');
  let computing = true;
  let computed = 0;
  // Distinct images (nothing served from the cache), one after another, for as long as the review runs.
  const others = Array.from({ length: info.numSamples }, (_, i) => i).filter(
    (i) => !issues.some((is) => is.sampleIndex === i),
  );
  const given = reopened.getGivenLabels();
  const background = (async () => {
    for (let i = 0; computing && i < others.length; i++) {
      const s = others[i];
      await overlays.explain({ runId, sampleIndex: s, towards: 1 - given[s], against: given[s] });
      computed++;
    }
  })();
  const busy = await measure(40);
  computing = false;
  await background;
  out();
  out('## The review while overlays are computed');
  out();
  out(
    `Through the service on the main thread, 40 rounds idle and 40 rounds while the worker computed overlays back to back (${computed} overlays meanwhile): getIssues for the next issue (what showing it waits for; budget < 50 ms), the decision's durable write (FULL-sync SQLite commit, not on the path to the next issue), and the main thread's event-loop delay (what any other request would wait).`,
  );
  out();
  out('| condition | next issue p50 / p95 ms | decide p50 / p95 ms | event-loop delay p99 / max ms |');
  out('| --- | ---: | ---: | ---: |');
  for (const [name, m] of [
    ['idle', idle],
    ['overlays computing', busy],
  ] as const) {
    const next = m.samples.map((x) => x.next);
    const decide = m.samples.map((x) => x.decide);
    out(
      `| ${name} | ${f2(median(next))} / ${f2(pct(next, 0.95))} ${pct(next, 0.95) < 50 ? '✅' : '❌'} | ${f2(median(decide))} / ${f2(pct(decide, 0.95))} | ${f2(m.lagP99)} / ${f2(m.lagMax)} |`,
    );
  }
  await explainer.close();
  await service.close();
  reopened.close();

  out();
  out('## Class-evidence map');
  out();
  out('| images | input | classes | one streaming pass (ms) |');
  out('| ---: | --- | ---: | ---: |');
  out(
    `| ${evidence.counts.reduce((a, b) => a + b, 0)} | ${w}×${h}×${c} | ${evidence.numClasses} | ${f0(evidenceMs)} |`,
  );
  out();
  out(`Load average at the end: ${load()}.`);

  const results = join(fileURLToPath(new URL('.', import.meta.url)), 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'saliency.md'), lines.join('\n') + '\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
