import type { SaliencyResult } from '../../../src-shared/evidence';
import { classEvidence, classEvidenceView } from '../evidence/class-evidence';
import { holdoutDisagreements } from '../evidence/disagreements';
import { Explainer } from '../evidence/explainer';
import { OverlayRequestError, OverlayService, isCancelled } from '../evidence/overlays';
import type { StoredClassEvidence } from '../store/class-evidence';
import type { Handlers, ServiceContext } from './context';
import { ServiceError } from './errors';

type EvidenceHandlers = Pick<
  Handlers,
  'classEvidence' | 'explainSample' | 'cancelExplain' | 'holdoutDisagreements'
>;

/**
 * "Show why": the class-evidence map of the dataset and saliency overlays of single images. The overlays
 * are computed by one explain worker process, started on first use and stopped with the service.
 */
export function evidenceFeature(ctx: ServiceContext): { handlers: EvidenceHandlers; close(): Promise<void> } {
  const { project } = ctx;
  const explainer = new Explainer('auto');
  const overlays = new OverlayService(project, explainer);
  // One computation per generation, however many pages ask at once.
  let computing: { gen: number; promise: Promise<StoredClassEvidence> } | null = null;

  const handlers: EvidenceHandlers = {
    classEvidence: async () => {
      project.requireDataset();
      const gen = project.datasetGeneration;
      if (computing?.gen !== gen) {
        const promise = classEvidence(project).finally(() => {
          if (computing?.promise === promise) computing = null;
        });
        computing = { gen, promise };
      }
      return classEvidenceView(await computing.promise);
    },

    explainSample: async (input): Promise<SaliencyResult> => {
      try {
        return await overlays.explain(input);
      } catch (e) {
        if (isCancelled(e)) return { cancelled: true };
        if (e instanceof OverlayRequestError) throw new ServiceError('not_found', e.message);
        throw e;
      }
    },

    cancelExplain: (input) => ({ cancelled: overlays.cancel(input.requestId) }),

    holdoutDisagreements: (input) => holdoutDisagreements(project, input.limit),
  };
  return { handlers, close: () => explainer.close() };
}
