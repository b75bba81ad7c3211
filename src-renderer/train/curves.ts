import type { EpochPoint } from '../../src-shared/domain';
import type { Series } from '../lib/components/chart-types';
import type { CurvePoint } from '../lib/jobs';

const palette = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'];
export const seriesColor = (i: number) => `var(${palette[i % palette.length]})`;

/** Loss and accuracy line series from named curves (one per fold or phase); validation dashed. */
export function curveSeries(named: [string, (CurvePoint | EpochPoint)[]][]): {
  loss: Series[];
  accuracy: Series[];
} {
  const loss: Series[] = [];
  const accuracy: Series[] = [];
  named.forEach(([name, points], i) => {
    const color = seriesColor(i);
    loss.push({ name, color, points: points.map((p) => ({ x: p.epoch, y: p.loss })) });
    accuracy.push({ name, color, points: points.map((p) => ({ x: p.epoch, y: p.accuracy })) });
    const val = points.filter((p) => p.valLoss !== undefined && p.valAccuracy !== undefined);
    if (val.length) {
      loss.push({
        name: `${name} (val)`,
        color,
        dashed: true,
        points: val.map((p) => ({ x: p.epoch, y: p.valLoss! })),
      });
      accuracy.push({
        name: `${name} (val)`,
        color,
        dashed: true,
        points: val.map((p) => ({ x: p.epoch, y: p.valAccuracy! })),
      });
    }
  });
  return { loss, accuracy };
}

/** "cross-validation: fold 2/5" → "fold 2/5". */
export function shortPhase(phase: string): string {
  const i = phase.lastIndexOf(': ');
  return i >= 0 ? phase.slice(i + 2) : phase;
}
