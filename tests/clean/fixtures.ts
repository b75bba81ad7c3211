import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPredProbsCsv, type PredProbsCsv } from '../../src-main/core/clean';
import { mulberry32 } from '../../src-main/core/random/seeded';

/** Seeded uniform PRNG in [0, 1): the core's mulberry32. */
export const prng = mulberry32;

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
