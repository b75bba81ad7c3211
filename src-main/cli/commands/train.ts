import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { runCrossValidation } from '../../core/workflows/cross-validation-run';
import { intOption } from '../options';
import { addTrainOptions, backboneFrom, trainConfigFrom } from '../train-options';
import { trainProgressPrinter } from '../train-progress';
import { withAbortOnSignal } from '../abort';

export function register(program: Command): void {
  addTrainOptions(
    program
      .command('train')
      .description(
        'K-fold cross-validation: one out-of-fold probability vector per image, stored in the project',
      )
      .requiredOption('--project <file>', 'project file (*.relabel)')
      .option(
        '--resume <run-id>',
        'resume an interrupted cross-validation run at fold granularity',
        intOption('--resume'),
      ),
  ).action(async (opts: Record<string, unknown>) => {
    const project = Project.open(opts.project as string);
    try {
      const runId = await withAbortOnSignal((signal) =>
        runCrossValidation(project, trainConfigFrom(opts), {
          signal,
          resumeRunId: opts.resume as number | undefined,
          backbone: backboneFrom(opts),
          onProgress: trainProgressPrinter('train'),
          onRunCreated: (id) => process.stderr.write(`train: run #${id}\n`),
        }),
      );
      const run = project.runs.get(runId)!;
      const m = run.metrics!;
      process.stdout.write(
        `Run #${runId} done on ${run.backend}: out-of-fold accuracy ${m.accuracy.toFixed(4)}, HTER ${m.hter.toFixed(4)} (vs given labels)\n` +
          `Next: relabel issues --project ${project.path}\n`,
      );
    } finally {
      project.close();
    }
  });
}
