import type { JobEvent } from '../../src-shared/api';

/** One epoch of a training curve, as collected from job events. */
export interface CurvePoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** Curves per phase ("cross-validation: fold 1/5", …) of one job. */
export type JobCurves = Record<string, CurvePoint[]>;

/**
 * Adds the epoch point a job event carries to its curve. Events are throttled and repeat the latest point,
 * so a point is keyed by phase and epoch and replaced, never duplicated.
 */
export function addJobPoint(curves: JobCurves, job: JobEvent): boolean {
  if (!job.point || job.epoch === null) return false;
  // Read back after creating: with reactive state the stored array is a proxy, not the literal assigned.
  if (!curves[job.phase]) curves[job.phase] = [];
  const series = curves[job.phase];
  const point: CurvePoint = { epoch: job.epoch, ...job.point };
  const i = series.findIndex((p) => p.epoch === job.epoch);
  if (i >= 0) {
    const old = series[i];
    if (old.loss === point.loss && old.accuracy === point.accuracy) return false;
    series[i] = point;
  } else {
    series.push(point);
    series.sort((a, b) => a.epoch - b.epoch);
  }
  return true;
}

export const jobKindLabel: Record<JobEvent['kind'], string> = {
  import: 'Import',
  train: 'Training',
  retrain: 'Retraining',
};

export function jobFraction(job: JobEvent): number | null {
  return job.total > 0 ? Math.min(1, job.done / job.total) : null;
}
