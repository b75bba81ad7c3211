/**
 * The pretrained model at the seed's scale: 100,000 images of 64×64 px (drawn faces, `relabel demo --source
 * procedural`, 10% flipped). Embedding speed with 1 and 2 worker processes (the 1-worker pass embeds the first
 * --one-worker images, then is cancelled; the 2-worker pass resumes from there, as an interrupted embedding does),
 * peak memory (the bench process plus all its worker processes), the project's size before and after, and the
 * logistic-regression cross-validation on the stored embeddings (target < 60 s, peak RSS < 1.5 GB).
 *
 *   npx tsx bench/pretrained-100k.ts [--count 100000] [--one-worker 4000] [--data /tmp/relabel-100k] [--lr-only] [--prepare-only]
 * The dataset folder and project are kept under --data and reused by later runs. Results: bench/results/pretrained-100k.md.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultBackbone } from '../src-main/core/features/backbone-spec';
import { Project } from '../src-main/core/store/project';
import { ensureEmbeddings } from '../src-main/core/workflows/embeddings';
import { trainAndRankIssues } from '../src-main/core/workflows/train-and-rank';
import { benchLog, demoProject, loadNow } from './common';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    'one-worker': { type: 'string', default: '4000' },
    data: { type: 'string', default: '/tmp/relabel-100k' },
    'lr-only': { type: 'boolean', default: false },
    'prepare-only': { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const here = fileURLToPath(new URL('.', import.meta.url));
const log = benchLog('100k');
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

/** Resident memory of this process and every process below it, sampled every 200 ms: peak total and peak single. */
class RssSampler {
  peakTotal = 0;
  peakSingle = 0;
  private timer: NodeJS.Timeout;
  constructor() {
    this.timer = setInterval(() => this.sample(), 200);
  }
  private sample(): void {
    const parents = new Map<number, number>();
    const rss = new Map<number, number>();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const status = readFileSync(`/proc/${d}/status`, 'utf8');
        parents.set(Number(d), Number(/PPid:\s+(\d+)/.exec(status)?.[1]));
        rss.set(Number(d), Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
      } catch {
        // the process ended while being read
      }
    }
    const mine = new Set([process.pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of parents) {
        if (!mine.has(pid) && mine.has(ppid)) {
          mine.add(pid);
          grew = true;
        }
      }
    }
    let total = 0;
    for (const pid of mine) {
      const r = rss.get(pid) ?? 0;
      total += r;
      this.peakSingle = Math.max(this.peakSingle, r);
    }
    this.peakTotal = Math.max(this.peakTotal, total);
  }
  stop(): { total: number; single: number } {
    clearInterval(this.timer);
    return { total: this.peakTotal, single: this.peakSingle };
  }
}

/** The drawn faces of the seed's scale, written and imported once into the data folder. */
async function dataset(): Promise<{ project: string; flipped: Set<number> }> {
  log(`${count} demo faces in ${values.data}`);
  mkdirSync(values.data, { recursive: true });
  return demoProject(join(values.data, `faces-${count}`), join(values.data, `faces-${count}.relabel`), {
    source: 'procedural',
    count,
    size: 64,
    seed: 1,
    noise: 0.1,
  });
}

const rows: string[] = [];
const facts: string[] = [];
function write(): void {
  writeFileSync(
    join(here, 'results', 'pretrained-100k.md'),
    [
      `# Pretrained model on ${count.toLocaleString('en')} images (64×64 drawn faces, 10% flipped)`,
      '',
      `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), shared with other work; wasm backend. Load average (1, 5, 15 min) in each row.`,
      '',
      '| step | images | wall time | rate | peak RSS, all processes | peak RSS, largest process | load at start → end |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      ...facts.map((f) => `- ${f}`),
      '',
    ].join('\n'),
  );
}

const { project: projectPath, flipped: truth } = await dataset();
if (values['prepare-only']) process.exit(0);
const sizeBefore = statSync(projectPath).size;
const backbone = defaultBackbone(count);

if (!values['lr-only']) {
  const p = Project.open(projectPath);
  try {
    const done = p.embeddings.status(p.datasetGeneration)?.rows ?? 0;
    const oneWorker = Number(values['one-worker']);
    if (done < oneWorker) {
      // 1 worker: embed until oneWorker images are stored, then cancel (the next pass resumes).
      const controller = new AbortController();
      const l0 = loadNow();
      const t = Date.now();
      const rss = new RssSampler();
      let embedded = done;
      await ensureEmbeddings(p, {
        backbone,
        backend: 'wasm',
        workers: 1,
        signal: controller.signal,
        onProgress: (e) => {
          embedded = e.done;
          if (e.done >= oneWorker) controller.abort();
        },
      }).catch((e: Error) => {
        if (!controller.signal.aborted) throw e;
      });
      const secs = (Date.now() - t) / 1000;
      const m = rss.stop();
      const n = embedded - done;
      rows.push(
        `| embed, 1 worker (then cancelled) | ${n} | ${secs.toFixed(0)} s | ${(n / secs).toFixed(1)} images/s | ${mb(m.total)} | ${mb(m.single)} | ${l0} → ${loadNow()} |`,
      );
      write();
    }
    const before = p.embeddings.status(p.datasetGeneration)?.rows ?? 0;
    log(`embedding the remaining ${count - before} images with 2 workers (load ${loadNow()})`);
    const l0 = loadNow();
    const t = Date.now();
    const rss = new RssSampler();
    const e = await ensureEmbeddings(p, {
      backbone,
      backend: 'wasm',
      workers: 2,
      onProgress: (x) => {
        if (x.done % 5120 === 0) log(`  ${x.message} (load ${loadNow()})`);
      },
    });
    const secs = (Date.now() - t) / 1000;
    const m = rss.stop();
    rows.push(
      `| embed, 2 workers (resumed) | ${e.computed} | ${secs.toFixed(0)} s | ${(e.computed / secs).toFixed(1)} images/s | ${mb(m.total)} | ${mb(m.single)} | ${l0} → ${loadNow()} |`,
    );
    facts.push(`backbone: ${e.label}; ${e.notes.join('; ')}`);
    write();
  } finally {
    p.close();
  }
}

{
  const p = Project.open(projectPath);
  try {
    const status = p.embeddings.status(p.datasetGeneration);
    if (status?.rows !== count) throw new Error('embed first (run without --lr-only)');
    const sizeAfter = statSync(projectPath).size;
    facts.push(
      `project file: ${mb(sizeBefore)} before the embeddings were complete, ${mb(sizeAfter)} after; ` +
        `embeddings ${mb(p.embeddings.bytes())} (${count} × ${status.dim} float16)`,
    );
    log(`logistic-regression cross-validation (load ${loadNow()})`);
    const l0 = loadNow();
    const t = Date.now();
    const rss = new RssSampler();
    const { runId, issueSet } = await trainAndRankIssues(
      p,
      { model: 'pretrained', workers: 2 },
      { backbone },
    );
    const secs = (Date.now() - t) / 1000;
    const m = rss.stop();
    const run = p.runs.get(runId)!;
    const lr = run.notes.find((n) => /logistic regression cross-validation took/.test(n)) ?? '';
    rows.push(
      `| logistic-regression CV (5 folds) + issues | ${count} | ${secs.toFixed(0)} s (${lr.replace(/.*took /, 'LR ')}) | – | ${mb(m.total)} | ${mb(m.single)} | ${l0} → ${loadNow()} |`,
    );
    const flagged = p.issues
      .page(issueSet.id, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER)
      .rows.map((r) => r.sampleIndex);
    const hits = flagged.filter((i) => truth.has(i)).length;
    facts.push(
      `issues: ${flagged.length} flagged, precision ${(hits / flagged.length).toFixed(3)}, recall ${(hits / truth.size).toFixed(3)} against noise_truth.txt`,
      ...run.notes.filter((n) => /C = /.test(n)),
    );
    write();
  } finally {
    p.close();
  }
}
