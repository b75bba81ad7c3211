import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { runRetrain } from '../../core/workflows/holdout';
import { formatReport, projectReport } from '../../core/workflows/report';
import { numberOption } from '../options';
import { addTrainOptions, trainConfigFrom } from '../train-options';
import { trainProgressPrinter } from '../train-progress';
import { withAbortOnSignal } from '../abort';
import { out } from '../terminal';

export function register(program: Command): void {
  addTrainOptions(
    program
      .command('retrain')
      .description('Train on the cleaned labels and compare with the given labels on the same held-out split')
      .requiredOption('--project <file>', 'project file (*.relabel)')
      .option(
        '--test-fraction <x>',
        'held-out fraction (stratified, fixed seed)',
        numberOption('--test-fraction', 0.05, 0.5),
      ),
  ).action(async (opts: Record<string, unknown>) => {
    const project = Project.open(opts.project as string);
    try {
      const overrides = {
        ...trainConfigFrom(opts),
        ...(opts.testFraction ? { testFraction: opts.testFraction as number } : {}),
      };
      let label = 'retrain';
      const printer = {
        before: trainProgressPrinter('before (given labels)'),
        after: trainProgressPrinter('after (reviewed labels)'),
      };
      await withAbortOnSignal((signal) =>
        runRetrain(project, overrides, {
          signal,
          onPhase: (phase) => (label = phase),
          onProgress: (p) => printer[label === 'before' ? 'before' : 'after'](p),
        }),
      );
      out(
        formatReport(
          projectReport(project),
          project.getClasses().map((c) => c.name),
        ),
      );
    } finally {
      project.close();
    }
  });
}
