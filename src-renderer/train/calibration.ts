import type { Metrics } from '../../src-shared/domain';

/** Gap between mean confidence and accuracy (or an ECE) above which the probabilities are called off. */
export const CALIBRATION_TOLERANCE = 0.05;

/**
 * One line on how far a run's probabilities can be trusted: its expected calibration error and, when
 * that is large, whether the model is over- or under-confident. Null for runs measured before ECE was.
 */
export function calibrationVerdict(m: Metrics): { text: string; warn: boolean } | null {
  if (m.ece === undefined || m.meanConfidence === undefined) return null;
  const gap = m.meanConfidence - m.accuracy;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  if (m.ece <= CALIBRATION_TOLERANCE) {
    return { text: `well calibrated: confidence matches accuracy within ${pct(m.ece)}`, warn: false };
  }
  const direction = gap > 0 ? 'over-confident' : 'under-confident';
  return {
    text: `${direction}: mean confidence ${pct(m.meanConfidence)} vs accuracy ${pct(m.accuracy)}; issue rankings from these probabilities are less reliable`,
    warn: true,
  };
}
