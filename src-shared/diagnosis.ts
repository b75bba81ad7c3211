import type { BackendName } from './domain';

/** One training backend as the diagnosis sees it (`relabel doctor`, the Train page). */
export interface BackendStatus {
  name: BackendName;
  /** Expected to load here. */
  available: boolean;
  /** One line: what was found. */
  detail: string;
  /** Everything that stands in its way, in the order to fix them (ids of the doctor's problem table). */
  problems: string[];
  /** The fix of each problem, same order. */
  fixes: string[];
}

export interface BackendDiagnosis {
  /** What `--backend auto` is expected to pick; null when nothing loads. */
  expected: BackendName | null;
  /** Fastest first, as 'auto' tries them. */
  backends: BackendStatus[];
}

/** A faster backend than the one used, and why it was not: what was found and the first fix. */
export interface SkippedBackend {
  name: BackendName;
  detail: string;
  fix: string | null;
}

/** Every backend faster than `used` (the expected one when unknown) that will not load, fastest first. */
export function whyNotFaster(d: BackendDiagnosis, used: string | null): SkippedBackend[] {
  const i = d.backends.findIndex((b) => b.name === (used ?? d.expected));
  return d.backends
    .slice(0, i < 0 ? d.backends.length : i)
    .filter((b) => !b.available)
    .map((b) => ({ name: b.name, detail: b.detail, fix: b.fixes[0] ?? null }));
}

/** "tensorflow-gpu: <what was found> — fix: <first fix>" */
export const formatSkipped = (s: SkippedBackend): string =>
  `${s.name}: ${s.detail}${s.fix ? ` — fix: ${s.fix}` : ''}`;
