import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPredProbsCsv, type PredProbsCsv } from '../../src-main/core/clean';

/** tests/data/cleanlab-2.9.0: reference outputs of the real cleanlab 2.9.0 (see its README.md). */
export const CLEANLAB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'cleanlab-2.9.0');
export const FMNIST_DIR = join(CLEANLAB_DIR, 'fmnist-10class');

let fmnist: PredProbsCsv | null = null;

/** The Fashion-MNIST fixture's labels and probabilities (parsed once per test file). */
export function loadFmnist(): PredProbsCsv {
  fmnist ??= readPredProbsCsv(join(FMNIST_DIR, 'pred_probs.csv'));
  return fmnist;
}

/** Lines of a cleanlab_out file, parsed as numbers. */
export function readNumbers(name: string): number[] {
  return readLines(name).map(Number);
}

/** Rows of a whitespace-separated matrix in cleanlab_out. */
export function readMatrix(name: string): number[][] {
  return readLines(name).map((line) => line.trim().split(/\s+/).map(Number));
}

function readLines(name: string): string[] {
  return readFileSync(join(FMNIST_DIR, 'cleanlab_out', name), 'utf8')
    .trim()
    .split('\n');
}

export function readSummary(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FMNIST_DIR, 'summary.json'), 'utf8')) as Record<string, unknown>;
}

/** Seeded uniform PRNG in [0, 1) (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
