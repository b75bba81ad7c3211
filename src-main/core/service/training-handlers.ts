import type { BackendDiagnosis } from '../../../src-shared/diagnosis';
import type { JobHandle } from '../jobs';
import { diagnoseBackends } from '../system/backends';
import { realProbe } from '../system/probe';
import type { TrainProgress } from '../train';
import { compareBeforeAfter, runRetrain } from '../workflows/holdout';
import { trainAndRankIssues } from '../workflows/train-and-rank';
import type { Handlers, ServiceContext } from './context';

/** Training jobs (cross-validation, retraining), their runs and the before/after comparison. */
export function trainingHandlers(
  ctx: ServiceContext,
): Pick<
  Handlers,
  'startTraining' | 'retrain' | 'cancelJob' | 'listRuns' | 'trainingBackends' | 'compareRuns'
> {
  const { project, jobs } = ctx;
  // Looks at files and system libraries (and runs nvidia-smi): once per service is enough.
  let backends: BackendDiagnosis | null = null;
  return {
    startTraining: (input) => {
      ctx.requireNoTraining();
      project.requireDataset();
      const jobId = jobs.start('train', async (job) => {
        const { runId, issueSet } = await trainAndRankIssues(project, input.config, {
          signal: job.signal,
          onRunCreated: (id) => job.update({ runId: id, phase: 'loading images' }),
          onProgress: reportTraining(job, 'cross-validation'),
          onRunFinished: () => {
            ctx.emit({ type: 'project', reason: 'run-finished' });
            job.update({ phase: 'ranking label issues' });
          },
        });
        ctx.emit({ type: 'project', reason: 'issues-computed' });
        return `run #${runId} finished; ${issueSet.count} label issues ready for review`;
      });
      return { jobId };
    },

    retrain: (input) => {
      ctx.requireNoTraining();
      project.requireDataset();
      const jobId = jobs.start('retrain', async (job) => {
        let phase: 'before' | 'after' = 'before';
        const r = await runRetrain(project, input.config, {
          signal: job.signal,
          onPhase: (p) => (phase = p),
          onRunCreated: (id) => job.update({ runId: id }),
          onProgress: (p) =>
            reportTraining(
              job,
              phase === 'before' ? 'model on the given labels' : 'model on the reviewed labels',
            )(p),
        });
        ctx.emit({ type: 'project', reason: 'run-finished' });
        return `retrained: run #${r.afterRunId} vs #${r.beforeRunId}`;
      });
      return { jobId };
    },

    cancelJob: (input) => ({ cancelled: jobs.cancel(input.jobId) }),

    listRuns: () => project.runs.list().map(({ datasetGeneration: _g, ...r }) => r),

    trainingBackends: () => (backends ??= diagnoseBackends(realProbe)),

    compareRuns: () => compareBeforeAfter(project),
  };
}

/**
 * Training progress as job events: progress over the whole run (folds train in parallel, so a per-fold position
 * would jump back and forth), the latest epoch's point and which fold it belongs to.
 */
function reportTraining(job: JobHandle, label: string) {
  return (p: TrainProgress) =>
    job.update({
      phase: p.folds > 0 ? `${label}: ${p.modelsDone} of ${p.folds} folds done` : label,
      fold: p.fold,
      epoch: p.epoch,
      done: p.done,
      total: p.total,
      etaSeconds: p.etaSeconds,
      point: p.point
        ? {
            loss: p.point.loss,
            accuracy: p.point.accuracy,
            valLoss: p.point.valLoss,
            valAccuracy: p.point.valAccuracy,
          }
        : null,
      backend: p.backend,
      message: p.message,
    });
}
