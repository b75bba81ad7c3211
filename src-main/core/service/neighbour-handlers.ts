import type { NeighboursResult } from '../../../src-shared/api';
import { HealthScanner } from '../workflows/dataset-health';
import { NeighbourFinder } from '../workflows/neighbours';
import type { Handlers, ServiceContext } from './context';
import { ServiceError } from './errors';

/**
 * What the stored embeddings answer: nearest neighbours of a sample in the review, and the dataset's duplicates
 * and outliers (scanned in the background); their worker processes stop with the service.
 */
export function neighbourHandlers(ctx: ServiceContext): {
  handlers: Pick<Handlers, 'neighbours' | 'datasetHealth'>;
  /** The dataset's embedding scan, which the review's duplicate and outlier issues also use. */
  health: HealthScanner;
  close: () => Promise<void>;
} {
  const { project } = ctx;
  const finder = new NeighbourFinder(project);
  const health = new HealthScanner(project);
  return {
    health,
    handlers: {
      datasetHealth: () => health.current(),
      neighbours: async (input): Promise<NeighboursResult> => {
        const n = project.getDatasetInfo()?.numSamples ?? 0;
        if (input.sampleIndex >= n)
          throw new ServiceError(
            'not_found',
            `image index ${input.sampleIndex} does not exist (the dataset has ${n} images)`,
          );
        const r = await finder.find(input.sampleIndex, input.count);
        const base = { sampleIndex: input.sampleIndex, backbone: null, neighbours: [] };
        if (r.status === 'unavailable') return { ...base, status: 'unavailable', message: r.message };
        if (r.status === 'superseded') return { ...base, status: 'superseded', message: null };
        const samples = r.indices.map((i) => project.getSample(i));
        const decisions = project.decisions.currentFor(samples.map((s) => s?.path ?? ''));
        return {
          sampleIndex: input.sampleIndex,
          status: 'ok',
          message: null,
          backbone: r.backbone,
          neighbours: r.indices.flatMap((index, j) => {
            const s = samples[j];
            return s
              ? [
                  {
                    index,
                    path: s.path,
                    givenLabel: s.givenLabel,
                    similarity: r.similarities[j],
                    decision: decisions[j],
                  },
                ]
              : [];
          }),
        };
      },
    },
    close: async () => {
      await Promise.all([finder.stop(), health.stop()]);
    },
  };
}
