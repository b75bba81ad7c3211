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
