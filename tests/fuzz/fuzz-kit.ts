/**
 * A small seeded fuzzer: mutators over bytes and text, and a runner that times every case and checks that
 * bad input only ever ends in an Error with a clear message (never a crash, a non-Error throw or a hang).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import { mulberry32, type Rng } from '../../src-main/core/random/seeded';

export { mulberry32, type Rng };

/** Longest a single case may take. */
export const CASE_LIMIT_MS = 1000;

export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
export const pickOne = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rng() * 256);
  return out;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x20, 0x40];

/** One random structural mutation of `input`: flips, interesting bytes, truncation, insertion, deletion, duplication. */
export function mutate(rng: Rng, input: Uint8Array): Uint8Array {
  const b = Uint8Array.from(input);
  const at = () => (b.length === 0 ? 0 : Math.floor(rng() * b.length));
  switch (int(rng, 0, 6)) {
    case 0: {
      for (let k = int(rng, 1, 8); k > 0 && b.length > 0; k--) b[at()] ^= 1 << int(rng, 0, 7);
      return b;
    }
    case 1: {
      for (let k = int(rng, 1, 4); k > 0 && b.length > 0; k--) b[at()] = pickOne(rng, INTERESTING);
      return b;
    }
    case 2:
      return b.subarray(0, at());
    case 3: {
      const i = at();
      return concat(b.subarray(0, i), randomBytes(rng, int(rng, 1, 64)), b.subarray(i));
    }
    case 4: {
      const i = at();
      return concat(b.subarray(0, i), b.subarray(Math.min(b.length, i + int(rng, 1, 64))));
    }
    case 5: {
      const i = at();
      const j = Math.min(b.length, i + int(rng, 1, 256));
      return concat(b.subarray(0, j), b.subarray(i, j), b.subarray(j));
    }
    default: {
      // A 16/32-bit field (size, count, dimension) overwritten with an extreme value.
      const i = at();
      const v = pickOne(rng, [0, 1, 0xffff, 0x7fff, 0xffffffff, 0x7fffffff, 0x80000000, 100_000]);
      for (let k = 0; k < 4 && i + k < b.length; k++) b[i + k] = (v >>> (8 * (3 - k))) & 0xff;
      return b;
    }
  }
}

/** Several mutations in a row (1 to `max`). */
export function mutateMany(rng: Rng, input: Uint8Array, max = 3): Uint8Array {
  let b = input;
  for (let k = int(rng, 1, max); k > 0; k--) b = mutate(rng, b);
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const TEXT_TOKENS = [
  '0',
  '1',
  '2',
  '9',
  '10',
  '42',
  '-1',
  '+3',
  '007',
  '1e3',
  '1.5',
  '.5',
  '-0',
  'NaN',
  'Infinity',
  '0x1f',
  '99999999999999999999',
  '1000001',
  ' ',
  '  ',
  '\t',
  ',',
  ',,',
  '"',
  '""',
  '"a,b"',
  'cat',
  'dog',
  'é',
  '猫',
  '🙂',
  '\r',
  '\u0000',
  '\ufeff',
  '\u2028',
  'path',
  'label',
  'img.png',
  '../x.png',
  '/etc/passwd',
  'C:\\x.png',
  'a\\b.jpg',
  'p0',
  'p1',
  '0.25',
  '0.5',
  '1.0',
  '-0.1',
  '1e-7',
  '1e309',
  'e',
  '+',
  '-',
  '.',
];

/** A line of 0..n random tokens. */
export function randomLine(rng: Rng, maxTokens = 6): string {
  let s = '';
  for (let k = int(rng, 0, maxTokens); k > 0; k--) s += pickOne(rng, TEXT_TOKENS);
  return s;
}

/** Random text: lines of tokens, sometimes raw random bytes decoded as UTF-8 or one very long line. */
export function randomText(rng: Rng, maxLines = 12): string {
  const r = rng();
  if (r < 0.05) return Buffer.from(randomBytes(rng, int(rng, 0, 200))).toString('utf8');
  if (r < 0.07) return pickOne(rng, ['1', 'a', ',', '"', '0,']).repeat(int(rng, 10_000, 200_000));
  const lines = Array.from({ length: int(rng, 0, maxLines) }, () => randomLine(rng));
  return lines.join(pickOne(rng, ['\n', '\n', '\r\n', '\r'])) + (rng() < 0.5 ? '\n' : '');
}

/** Text-level mutation: byte mutations of the UTF-8, decoded back (invalid sequences become U+FFFD). */
export const mutateText = (rng: Rng, text: string): string =>
  Buffer.from(mutateMany(rng, new TextEncoder().encode(text))).toString('utf8');

export interface FuzzStats {
  cases: number;
  /** Cases the code under test accepted (parsed without an error). */
  accepted: number;
  rejected: number;
  maxMs: number;
  slowest: string;
}

export interface FuzzCase {
  /** Short description for failure messages and the slowest-case report. */
  label: string;
  /** Performs the case; may throw (an Error with a clear message) or return anything. */
  run: () => unknown;
}

/**
 * Runs `count` cases made by `makeCase(i)` (generation is not timed). A throw must be an Error whose
 * message passes `clearError`. Fails on the first case that takes longer than CASE_LIMIT_MS twice in a row.
 */
export async function fuzz(
  count: number,
  makeCase: (i: number) => FuzzCase,
  clearError: (e: Error, label: string) => void,
): Promise<FuzzStats> {
  const stats: FuzzStats = { cases: 0, accepted: 0, rejected: 0, maxMs: 0, slowest: '' };
  for (let i = 0; i < count; i++) {
    const c = makeCase(i);
    const t0 = performance.now();
    let thrown: unknown = undefined;
    let threw = false;
    try {
      await c.run();
    } catch (e) {
      threw = true;
      thrown = e;
    }
    const ms = performance.now() - t0;
    if (thrown instanceof CheckFailed) throw new Error(`${c.label}: ${thrown.message}`);
    if (threw) {
      if (!(thrown instanceof Error))
        throw new Error(`${c.label}: threw a non-Error value ${String(thrown)}`);
      if (!thrown.message) throw new Error(`${c.label}: threw an Error without a message`);
      clearError(thrown, c.label);
      stats.rejected++;
    } else stats.accepted++;
    stats.cases++;
    if (ms > stats.maxMs) {
      stats.maxMs = ms;
      stats.slowest = c.label;
    }
    if (ms >= CASE_LIMIT_MS) {
      // A hang repeats; a garbage collection or a busy machine does not: time the case once more.
      const t1 = performance.now();
      await Promise.resolve()
        .then(c.run)
        .catch(() => {});
      const again = performance.now() - t1;
      if (again >= CASE_LIMIT_MS) {
        expect.fail(
          `${c.label} took ${ms.toFixed(0)} ms, then ${again.toFixed(0)} ms (limit ${CASE_LIMIT_MS} ms)`,
        );
      }
    }
  }
  return stats;
}

/**
 * Writes a case's input file. Removing it first matters: ext4 flushes a file truncated and rewritten in
 * place (auto_da_alloc), which costs a millisecond per case; a fresh file costs a tenth of that.
 */
export function writeCaseFile(path: string, data: string | Uint8Array): void {
  rmSync(path, { force: true });
  writeFileSync(path, data);
}

/** A failed property check inside a case: fails the test as it is, never counted as a refused input. */
class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** A cheap assertion for the hot loop (vitest's expect costs tens of microseconds per call). */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

export const describeStats = (name: string, s: FuzzStats): string =>
  `[fuzz] ${name}: ${s.cases} cases (${s.accepted} accepted, ${s.rejected} refused with a clear error), ` +
  `0 crashes, slowest ${s.maxMs.toFixed(1)} ms (${s.slowest})`;
