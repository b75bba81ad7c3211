/**
 * Benchmark: how long another client waits while one hostile (or merely large) request runs against
 * `relabel serve`. A probe client asks for a tiny static file every 10 ms throughout; the row's figure is the
 * worst probe latency seen while the request (and the job it starts) runs, against the same probe with the
 * server idle. Target: < 100 ms for every row (issue 16). Measured, not asserted.
 *
 * The project: 100,000 samples (IDX-format rows, no image files), a finished cross-validation run with
 * probabilities and 2,500 label issues, in a data root holding the hostile files (a FIFO, a 25-million-line label
 * file, a 16 MB label line, a folder of 100,000 empty image files with its label file).
 *
 * Run: npm run build && npx tsx bench/server-lag.ts   (the project and files are cached in /tmp/relabel-bench-lag/)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { availableParallelism, loadavg as osLoadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServe, type Served } from '../e2e/helpers/serve';
import { Project } from '../src-main/core/store/project';
import { copyProjectFile } from './common';
import { addSyntheticRanking } from './synthetic-ranking';
import { mulberry32 } from '../src-main/core/random/seeded';

const N = 100_000;
const N_ISSUES = 2_500;
const DIR = '/tmp/relabel-bench-lag';
const PROJECT = join(DIR, 'lag.relabel');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROBE_EVERY_MS = 10;
const TARGET_MS = 100;

function generate(): void {
  mkdirSync(DIR, { recursive: true });
  if (!existsSync(PROJECT)) {
    const tmp = `${PROJECT}.partial`;
    rmSync(tmp, { force: true });
    const project = Project.create(tmp);
    const rand = mulberry32(7);
    try {
      const writer = project.beginImport(
        { format: 'idx', root: DIR, labelSource: null, inputWidth: 8, inputHeight: 8, channels: 1 },
        [
          { id: 0, name: 'a' },
          { id: 1, name: 'b' },
        ],
      );
      const thumb = { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), mime: 'image/png' };
      for (let i = 0; i < N; i++) {
        writer.add(
          { index: i, path: `idx:${i}`, hash: String(i), width: 8, height: 8, givenLabel: i % 2 },
          new Uint8Array(64),
          thumb,
        );
      }
      writer.commit();
      addSyntheticRanking(project, N, N_ISSUES, rand);
    } finally {
      project.close();
    }
    renameSync(tmp, PROJECT);
  }
  const fifo = join(DIR, 'fifo.txt');
  if (!existsSync(fifo)) execFileSync('mkfifo', [fifo]);
  const lines = join(DIR, 'lines-25m.txt');
  if (!existsSync(lines)) writeFileSync(lines, '0\n'.repeat(25_000_000));
  const longLine = join(DIR, 'line-16mb.txt');
  if (!existsSync(longLine)) writeFileSync(longLine, `${'7'.repeat(16 * 1024 * 1024)}\n1\n`);
  const many = join(DIR, 'many', 'train_img');
  if (!existsSync(join(DIR, 'many', 'label_train.txt'))) {
    mkdirSync(many, { recursive: true });
    for (let i = 0; i < N; i++) writeFileSync(join(many, `img${i}.jpg`), '');
    writeFileSync(
      join(DIR, 'many', 'label_train.txt'),
      Array.from({ length: N }, (_, i) => i % 2).join('\n') + '\n',
    );
  }
}

/** One GET of a tiny static file; resolves with its latency in ms. */
function probeOnce(port: number, cookie: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/favicon.svg', headers: { Cookie: cookie }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Probes continuously until stopped; returns the worst latency seen. */
function startProbe(port: number, cookie: string): { stop: () => Promise<{ max: number; count: number }> } {
  let running = true;
  let max = 0;
  let count = 0;
  const loop = (async () => {
    while (running) {
      const ms = await probeOnce(port, cookie);
      max = Math.max(max, ms);
      count++;
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { max, count };
    },
  };
}

async function api(served: Served, name: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(new URL(`/api/${name}`, served.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.ownerToken}` },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: await res.json() };
}

/** Waits for a job to leave 'running' (polling projectInfo's active jobs). */
async function jobEnded(served: Served, jobId: string): Promise<void> {
  for (;;) {
    const info = (await api(served, 'projectInfo', {})).body as { activeJobs: { jobId: string }[] };
    if (!info.activeJobs.some((j) => j.jobId === jobId)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row {
  what: string;
  outcome: string;
  ms: number;
  maxLag: number;
  probes: number;
}

async function measure(
  served: Served,
  port: number,
  cookie: string,
  what: string,
  run: () => Promise<string>,
): Promise<Row> {
  const probe = startProbe(port, cookie);
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  const outcome = await run();
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 50));
  const { max, count } = await probe.stop();
  process.stderr.write(`${what}: ${outcome} in ${ms.toFixed(0)} ms; worst probe ${max.toFixed(1)} ms\n`);
  return { what, outcome, ms, maxLag: max, probes: count };
}

const short = (body: unknown) => {
  const e = (body as { error?: { code: string; message: string } }).error;
  return e ? `${e.code}: ${e.message.slice(0, 70)}${e.message.length > 70 ? '…' : ''}` : 'ok';
};

async function main(): Promise<void> {
  generate();
  const loadStart = osLoadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  // Every run serves a fresh copy: the requests below decide, accept and rank, and a rerun must start the same.
  const copy = join(DIR, 'run.relabel');
  copyProjectFile(PROJECT, copy);
  const served = await startServe(copy, 'bench', ['--data-root', DIR]);
  const port = Number(new URL(served.url).port);
  const cookie = `relabel_token=${served.ownerToken}`;
  const rows: Row[] = [];
  try {
    const importRow = (what: string, input: object) =>
      measure(served, port, cookie, what, async () => {
        const r = await api(served, 'importDataset', input);
        if (r.status !== 200) return short(r.body);
        await jobEnded(served, (r.body as { jobId: string }).jobId);
        const info = (await api(served, 'projectInfo', {})).body as { dataset: { numSamples: number } };
        return `job ended; dataset still ${info.dataset.numSamples.toLocaleString('en-US')} images`;
      });

    rows.push(
      await measure(served, port, cookie, 'nothing (idle server, baseline)', async () => {
        await new Promise((r) => setTimeout(r, 2000));
        return 'idle';
      }),
    );
    rows.push(
      await measure(served, port, cookie, 'projectInfo (100,000 images)', async () =>
        short((await api(served, 'projectInfo', {})).body),
      ),
    );
    rows.push(
      await importRow('importDataset, labels = a FIFO', {
        source: join(DIR, 'many', 'train_img'),
        labels: join(DIR, 'fifo.txt'),
      }),
    );
    rows.push(
      await importRow('importDataset, labels = /dev/zero', {
        source: join(DIR, 'many', 'train_img'),
        labels: '/dev/zero',
      }),
    );
    rows.push(
      await importRow('importDataset, a 25,000,000-line (50 MB) label file', {
        source: join(DIR, 'many', 'train_img'),
        labels: join(DIR, 'lines-25m.txt'),
      }),
    );
    rows.push(
      await importRow('importDataset, a 16 MB label line', {
        source: join(DIR, 'many', 'train_img'),
        labels: join(DIR, 'line-16mb.txt'),
      }),
    );
    rows.push(
      await importRow('importDataset, 100,000 (empty) images: list, sort, parse labels, stop at the first', {
        source: join(DIR, 'many'),
      }),
    );
    const all = Array.from({ length: 2000 }, (_, i) => i);
    rows.push(
      await measure(served, port, cookie, 'decide on 2,000 images (the maximum)', async () =>
        short((await api(served, 'decide', { sampleIndices: all, action: 'exclude' })).body),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'undo of those 2,000', async () =>
        short((await api(served, 'undo', {})).body),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'redo of those 2,000', async () =>
        short((await api(served, 'redo', {})).body),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'decide with 100,000 indices (refused)', async () =>
        short(
          (
            await api(served, 'decide', {
              sampleIndices: Array.from({ length: N }, (_, i) => i),
              action: 'keep',
            })
          ).body,
        ),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'acceptSuggestions, about 1,900 issues', async () =>
        short((await api(served, 'acceptSuggestions', { maxQuality: 0.3 })).body),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'exportLabels, 100,000 labels + 4,000 audit rows', async () =>
        short((await api(served, 'exportLabels', { outDir: join(DIR, `export-${Date.now()}`) })).body),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'computeIssues, 100,000 × 2 probabilities', async () =>
        short((await api(served, 'computeIssues', {})).body),
      ),
    );
    rows.push(
      await measure(served, port, cookie, 'listSamples, offset 1e19 (refused)', async () =>
        short((await api(served, 'listSamples', { offset: 1e19 })).body),
      ),
    );
  } catch (e) {
    process.stderr.write(`relabel serve's stderr:\n${served.stderr().slice(-4000)}\n`);
    throw e;
  } finally {
    await served.stop();
  }

  const loadEnd = osLoadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const table = [
    '# Event-loop lag under hostile requests',
    '',
    `\`relabel serve\` on loopback with a 100,000-image project; a probe client GETs a tiny static file every ${PROBE_EVERY_MS} ms. "Worst probe" is the longest any probe took while the request (and the job it started) ran: what another annotator waits at worst. Target < ${TARGET_MS} ms.`,
    '',
    '| request | outcome | request took | worst probe | probes | |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.outcome.replace(/\|/g, '\\|')} | ${r.ms.toFixed(0)} ms | ${r.maxLag.toFixed(1)} ms | ${r.probes} | ${r.maxLag < TARGET_MS ? '✅' : '❌'} |`,
    ),
    '',
    `Machine: ${availableParallelism()} CPUs, load average ${loadStart} at start / ${loadEnd} at end; Node ${process.version}.` +
      (Number(loadStart.split(' ')[0]) > availableParallelism()
        ? ' The machine was busy with other work: these figures are upper bounds; re-run on a quiet one.'
        : ''),
    '',
  ].join('\n');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/server-lag.md'), table);
  process.stdout.write(table);
}

await main();
