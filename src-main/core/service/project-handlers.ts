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
      // The service's own callers (desktop app, CLI) are the owner; the transports' dispatch puts the caller's.
      role: 'owner',
      activeJobs: jobs.active(),
      trainDefaults: defaultTrainConfig(),
    }),

    importDataset: async (input) => {
      ctx.requireNoTraining();
      await ctx.confine(input.source, 'dataset');
      if (input.labels !== undefined) await ctx.confine(input.labels, 'label file');
      ctx.requireNoTraining();
      const jobId = jobs.start('import', async (job) => {
        job.update({ phase: 'reading the dataset' });
        const r = await importDataset(project, input.source, {
          confine: ctx.pathRoots ? (path, what) => ctx.confine(path, what) : undefined,
          limits: ctx.limits,
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

    exportLabels: async (input) =>
      exportLabels(project, await ctx.confine(input.outDir, 'export folder'), { force: input.force }),
  };
}
