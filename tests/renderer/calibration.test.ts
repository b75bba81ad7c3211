import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src-shared/domain';
import { calibrationVerdict } from '../../src-renderer/train/calibration';

const metrics = (over: Partial<Metrics>): Metrics => ({
  accuracy: 0.85,
  hter: 0.15,
  balancedAccuracy: 0.85,
  confusion: [],
  perClass: [],
  n: 100,
  ...over,
});

describe('calibrationVerdict', () => {
  it('is silent for runs measured before ECE existed', () => {
    expect(calibrationVerdict(metrics({}))).toBeNull();
  });

  it('calls a small ECE well calibrated', () => {
    const v = calibrationVerdict(metrics({ ece: 0.021, meanConfidence: 0.86 }))!;
    expect(v.warn).toBe(false);
    expect(v.text).toBe('well calibrated: confidence matches accuracy within 2.1%');
  });

  it('warns about over- and under-confidence with the numbers', () => {
    const over = calibrationVerdict(metrics({ ece: 0.09, meanConfidence: 0.94 }))!;
    expect(over.warn).toBe(true);
    expect(over.text).toMatch(/^over-confident: mean confidence 94.0% vs accuracy 85.0%/);
    const under = calibrationVerdict(metrics({ ece: 0.12, meanConfidence: 0.7 }))!;
    expect(under.text).toMatch(/^under-confident/);
  });
});
