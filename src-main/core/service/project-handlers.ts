import { importDataset } from '../dataset/import';
import { exportLabels } from '../export/export';
import { defaultTrainConfig } from '../train';
import { projectSummary } from '../workflows/project-summary';
import type { Handlers, ServiceContext } from './context';

/** The project as a whole: its summary, importing a dataset into it, browsing its samples, exporting it. */
export function projectHandlers(
  ctx: ServiceContext,
): Pick<Handlers, 'projectInfo' | 'importDataset' | 'listSamples' | 'exportLabels'> {
  const { project, jobs } = ctx;
  return {
    projectInfo: () => ({
      ...projectSummary(project, ctx.classCounts),
      annotator: ctx.annotator,
      activeJobs: jobs.active(),
      trainDefaults: defaultTrainConfig(),
    }),

    importDataset: (input) => {
      ctx.requireNoTraining();
      const jobId = jobs.start('import', async (job) => {
        job.update({ phase: 'reading the dataset' });
        const r = await importDataset(project, input.source, {
          labels: input.labels,
          inputSize: input.inputSize,
          onBadImage: input.onBadImage,
          classNames: input.classNames,
          allowEmptyClasses: input.allowEmptyClasses,
          signal: job.signal,
          onProgress: (done, total, phase) => job.update({ done, total, phase: phase ?? 'importing' }),
        });
        ctx.forgetDataset();
        ctx.emit({ type: 'project', reason: 'imported' });
        const skipped = r.skipped.length ? `, ${r.skipped.length} unreadable images skipped` : '';
        return `imported ${r.samples} images${skipped}; ${r.decisionsKept} earlier decisions kept`;
      });
      return { jobId };
    },

    listSamples: (input) => {
      project.requireDataset();
      return project.findSamples(input);
    },

    exportLabels: (input) => exportLabels(project, input.outDir),
  };
}
