/**
 * Benchmark: the review UI on a 100,000-image project with 10,000 issues, served by `relabel serve` and shown in
 * headless Debian Chromium.
 * Claims: first issue image < 1.5 s after opening /#/review; p95 key → next issue shown < 50 ms; renderer JS heap
 * < 300 MB after the decisions; API calls per decision (every request the page makes while deciding, by name) ≤ 1.1:
 * one save each, the rest amortised (a page of issues, claims) — no reload per decision of what a decision does
 * not change.
 *
 * Run: npx tsx bench/ui.ts   (the generated project is cached in /tmp/relabel-bench-ui/; each run reviews a copy)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg as osLoadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServe } from '../e2e/helpers/serve';
import { encodePngSync } from '../src-main/core/dataset/png-encode';
import { Project } from '../src-main/core/store/project';
import { copyProjectFile } from './common';
import { addSyntheticRanking } from './synthetic-ranking';
import { mulberry32 } from '../src-main/core/random/seeded';

const N_SAMPLES = 100_000;
const N_ISSUES = 10_000;
const SIDE = 64;
const PAGE_LOADS = 3;
const DECISIONS = 210;
const CACHE_DIR = '/tmp/relabel-bench-ui';
const BASE = join(CACHE_DIR, `bench-${N_SAMPLES}-${N_ISSUES}.relabel`);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-precise-memory-info',
];

/**
 * Writes the project straight through the store (no image decoding): IDX-format samples, so the media route
 * encodes each large image as a PNG from its stored 64×64×3 pixels; one shared thumbnail; a finished cv run with
 * probabilities and a 10,000-issue set ranked by quality.
 */
function generateProject(path: string): void {
  const rand = mulberry32(42);
  const tmp = `${path}.partial`;
  rmSync(tmp, { force: true });
  const project = Project.create(tmp);
  try {
    const writer = project.beginImport(
      {
        format: 'idx',
        root: CACHE_DIR,
        labelSource: null,
        inputWidth: SIDE,
        inputHeight: SIDE,
        channels: 3,
      },
      [
        { id: 0, name: 'cat' },
        { id: 1, name: 'dog' },
      ],
    );
    const thumbPixels = new Uint8Array(32 * 32 * 3).map((_, i) => (i * 7) & 255);
    const thumb = { data: encodePngSync(thumbPixels, 32, 32, 3), mime: 'image/png' };
    const per = SIDE * SIDE * 3;
    for (let i = 0; i < N_SAMPLES; i++) {
      // A gradient whose colour depends on the sample, plus noise: each PNG differs and is a few KB.
      const pixels = new Uint8Array(per);
      const tint = [i % 251, (i * 7) % 253, (i * 13) % 255];
      for (let p = 0; p < per; p++) {
        const x = (p / 3) % SIDE;
        pixels[p] = (tint[p % 3] + x * 2 + Math.floor(rand() * 24)) & 255;
      }
      writer.add(
        {
          index: i,
          path: `idx:${i}`,
          hash: i.toString(16).padStart(16, '0'),
          width: SIDE,
          height: SIDE,
          givenLabel: i % 2,
        },
        pixels,
        thumb,
      );
      if (i % 10_000 === 0) process.stderr.write(`\rgenerating samples ${i}/${N_SAMPLES}   `);
    }
    writer.commit();
    process.stderr.write('\rgenerating run and issues…              \n');

    addSyntheticRanking(project, N_SAMPLES, N_ISSUES, rand);
  } finally {
    project.close();
  }
  renameSync(tmp, path);
}

/** Waits until the issue panel's large image (of the issue shown) has loaded; returns ms since navigation start. */
async function waitFirstImage(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const panel = document.querySelector<HTMLElement>('[data-testid="issue-panel"]');
      const img = document.querySelector<HTMLImageElement>('[data-testid="issue-image"]');
      if (!panel || !img) return false;
      const ready =
        new URL(img.src).pathname.endsWith(`/${panel.dataset.sampleIndex}`) &&
        img.complete &&
        img.naturalWidth > 0;
      return ready ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Arms an in-page probe: a capture keydown listener stamps the key, then every DOM mutation, image load and
 * animation frame checks whether the next issue is shown (another rank AND its image loaded) and when the
 * decision's "saved ✓" appears. Resolves with both latencies plus the one to the next frame after "shown".
 */
async function armProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __probe: Promise<{ shown: number; frame: number; saved: number }> };
    const panel = () => document.querySelector<HTMLElement>('[data-testid="issue-panel"]')!;
    const prevRank = panel().dataset.rank;
    w.__probe = new Promise((resolve) => {
      let t0 = -1;
      let shown = -1;
      let frame = -1;
      let saved = -1;
      const check = () => {
        if (t0 < 0) return;
        const now = performance.now();
        const p = panel();
        const img = document.querySelector<HTMLImageElement>('[data-testid="issue-image"]');
        if (
          shown < 0 &&
          p.dataset.rank !== prevRank &&
          img !== null &&
          new URL(img.src).pathname.endsWith(`/${p.dataset.sampleIndex}`) &&
          img.complete &&
          img.naturalWidth > 0
        ) {
          shown = now - t0;
          requestAnimationFrame(() => {
            frame = performance.now() - t0;
            finish();
          });
        }
        const status = document.querySelector('[data-testid="save-status"]')?.textContent ?? '';
        if (saved < 0 && status.includes(`#${prevRank} saved`)) saved = now - t0;
        finish();
      };
      const observer = new MutationObserver(check);
      const tick = () => {
        check();
        if (!done) requestAnimationFrame(tick);
      };
      let done = false;
      const finish = () => {
        if (done || frame < 0 || saved < 0) return;
        done = true;
        observer.disconnect();
        document.removeEventListener('load', check, true);
        resolve({ shown, frame, saved });
      };
      window.addEventListener(
        'keydown',
        () => {
          t0 = performance.now();
          observer.observe(document.body, {
            subtree: true,
            childList: true,
            attributes: true,
            characterData: true,
          });
          document.addEventListener('load', check, true);
          requestAnimationFrame(tick);
        },
        { capture: true, once: true },
      );
    });
  });
}

const loadavg = () =>
  osLoadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** tsx compiles named inner functions with esbuild's `__name` helper, which page.evaluate code needs too. */
async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => localStorage.setItem('relabel.annotator', 'bench'));
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return context;
}

/** Where a first load spends its time: DOMContentLoaded, then each API call and the large image (start→end ms). */
async function loadBreakdown(page: Page): Promise<string> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const parts = [`DOMContentLoaded ${nav.domContentLoadedEventEnd.toFixed(0)}`];
    for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
      const m = /\/(api\/\w+|media\/image\/\d+)/.exec(e.name);
      if (m && m[1] !== 'api/events')
        parts.push(`${m[1]} ${e.startTime.toFixed(0)}→${e.responseEnd.toFixed(0)}`);
    }
    return parts.join(', ');
  });
}

async function measureFirstImage(
  browser: Browser,
  url: string,
): Promise<{ times: number[]; breakdowns: string[] }> {
  const times: number[] = [];
  const breakdowns: string[] = [];
  for (let i = 0; i < PAGE_LOADS; i++) {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${url}#/review`);
    times.push(await waitFirstImage(page));
    breakdowns.push(await loadBreakdown(page));
    await context.close();
  }
  return { times, breakdowns };
}

interface DecisionRun {
  shown: number[];
  frame: number[];
  saved: number[];
  heapMb: number;
  heapAfterGcMb: number;
  /** API requests the page made from its first image to the last decision's "saved", by call name. */
  apiCalls: Map<string, number>;
}

async function measureDecisions(browser: Browser, url: string): Promise<DecisionRun> {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${url}#/review`);
  await waitFirstImage(page);
  // The event stream is one long-lived request, not a call per decision.
  const apiCalls = new Map<string, number>();
  const countCall = (request: { url(): string }) => {
    const m = /\/api\/(\w+)/.exec(new URL(request.url()).pathname);
    if (m && m[1] !== 'events') apiCalls.set(m[1], (apiCalls.get(m[1]) ?? 0) + 1);
  };
  page.on('request', countCall);
  const shown: number[] = [];
  const frame: number[] = [];
  const saved: number[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    await armProbe(page);
    await page.keyboard.press('q');
    const r = await page.evaluate(
      () =>
        (window as unknown as { __probe: Promise<{ shown: number; frame: number; saved: number }> }).__probe,
    );
    shown.push(r.shown);
    frame.push(r.frame);
    saved.push(r.saved);
    if (i % 50 === 0) process.stderr.write(`\rdecisions ${i}/${DECISIONS}   `);
  }
  process.stderr.write('\n');
  page.off('request', countCall);
  const cdp = await context.newCDPSession(page);
  const before = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.send('HeapProfiler.collectGarbage');
  const after = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await context.close();
  return {
    shown,
    frame,
    saved,
    heapMb: before.usedSize / 2 ** 20,
    heapAfterGcMb: after.usedSize / 2 ** 20,
    apiCalls,
  };
}

async function main(): Promise<void> {
  mkdirSync(CACHE_DIR, { recursive: true });
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  if (!existsSync(BASE)) {
    const t = performance.now();
    generateProject(BASE);
    process.stderr.write(`generated ${BASE} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  // A cache written by an older version is upgraded once (the server opens only current project files).
  Project.open(BASE).close();
  // Decisions are append-only: review a fresh copy so every run starts with 10,000 undecided issues.
  const work = join(CACHE_DIR, `run-${process.pid}.relabel`);
  copyProjectFile(BASE, work);
  const loadStart = loadavg();
  const served = await startServe(work, 'bench', []);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const { times: firstImage, breakdowns } = await measureFirstImage(browser, served.url);
    const d = await measureDecisions(browser, served.url);
    const version = browser.version();
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const shown = sorted(d.shown);
    const frame = sorted(d.frame);
    const saved = sorted(d.saved);
    const firstMs = median(firstImage);
    const ok = (pass: boolean) => (pass ? '✅' : '❌');
    const calls = [...d.apiCalls].sort((a, b) => b[1] - a[1]);
    const callsPerDecision = calls.reduce((sum, [, n]) => sum + n, 0) / DECISIONS;
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const table = [
      `# Review UI benchmark`,
      ``,
      `${N_SAMPLES.toLocaleString('en')} images (64×64×3, IDX → PNG served from stored pixels), ` +
        `${N_ISSUES.toLocaleString('en')} issues, \`relabel serve\` on loopback, headless Chromium 1280×800.`,
      ``,
      `| metric | value | target | |`,
      `|---|---|---|---|`,
      `| first issue image after opening /#/review (median of ${PAGE_LOADS} fresh loads: ${firstImage.map((x) => x.toFixed(0)).join(', ')} ms) | ${ms(firstMs)} | < 1500 ms | ${ok(firstMs < 1500)} |`,
      `| key \`q\` → next issue shown (rank changed + image loaded), p50 over ${shown.length} decisions | ${ms(quantile(shown, 0.5))} | | |`,
      `| key \`q\` → next issue shown, p95 | ${ms(quantile(shown, 0.95))} | < 50 ms | ${ok(quantile(shown, 0.95) < 50)} |`,
      `| key \`q\` → next issue shown, max | ${ms(shown[shown.length - 1])} | | |`,
      `| key \`q\` → first animation frame after it is shown, p50 / p95 | ${ms(quantile(frame, 0.5))} / ${ms(quantile(frame, 0.95))} | | |`,
      `| key \`q\` → "saved ✓" (save round-trip, UI does not wait for it), p50 / p95 | ${ms(quantile(saved, 0.5))} / ${ms(quantile(saved, 0.95))} | | |`,
      `| API calls per decision (all requests while deciding ÷ ${DECISIONS}: ${calls.map(([name, n]) => `${name} ${n}`).join(', ')}) | ${callsPerDecision.toFixed(2)} | ≤ 1.1 | ${ok(callsPerDecision <= 1.1)} |`,
      `| renderer JS heap after the decisions (Runtime.getHeapUsage; after a forced GC: ${d.heapAfterGcMb.toFixed(1)} MB) | ${d.heapMb.toFixed(1)} MB | < 300 MB | ${ok(d.heapMb < 300)} |`,
      ``,
      `First loads (ms since navigation start): ${breakdowns.map((b, i) => `${i + 1}) ${b}`).join('; ')}.`,
      ``,
      `Slowest decisions (decision #: ms shown): ${d.shown
        .map((v, i) => [i + 1, v] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([i, v]) => `${i}: ${v.toFixed(0)}`)
        .join(', ')}.`,
      ``,
      `Machine: ${availableParallelism()} CPUs, load average ${loadStart} at start / ${loadavg()} at end; ${version} (${CHROMIUM_ARGS.join(' ')}); Node ${process.version}.`,
      ``,
    ].join('\n');
    console.log(table);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/ui.md'), table);
  } finally {
    await browser?.close();
    await served.stop();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(work + suffix, { force: true });
  }
}

await main();
