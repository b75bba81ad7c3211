import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { trainAndRankIssues } from '../../core/workflows/train-and-rank';
import {
  DEFAULT_RANKED_BY,
  TRAINING_LABELS,
  defaultFilterBy,
  type TrainingLabels,
} from '../../../src-shared/domain';
import { choiceOption, intOption } from '../options';
import { addTrainOptions, backboneFrom, trainConfigFrom } from '../train-options';
import { trainProgressPrinter } from '../train-progress';
import { withAbortOnSignal } from '../abort';
import { nextHint } from '../invocation';
import { newQueueNote } from '../queue-note';
import { out, err } from '../terminal';

export function register(program: Command): void {
  addTrainOptions(
    program
      .command('train')
      .description(
        'K-fold cross-validation (one out-of-fold probability vector per image, stored in the project), then ' +
          `ranks the label issues with confident learning (${defaultFilterBy(2)} for two classes, ` +
          `${defaultFilterBy(3)} for more; ranked by ${DEFAULT_RANKED_BY}), which become ` +
          'the review queue (a new issue set; earlier sets and every decision stay available): exactly what the ' +
          'Train page does. `relabel issues` re-ranks with other methods.',
      )
      .requiredOption('--project <file>', 'project file (*.relabel)')
      .option(
        '--labels <which>',
        `${TRAINING_LABELS.join('|')}: train on the given labels, or on the reviewed ones (relabels applied, ` +
          'excluded images left out; images already decided are not queued again). Default: reviewed once ' +
          'any decision exists',
        choiceOption('--labels', TRAINING_LABELS),
      )
      .option(
        '--resume <run-id>',
        'resume an interrupted cross-validation run at fold granularity',
        intOption('--resume'),
      ),
  ).action(async (opts: Record<string, unknown>) => {
    const project = Project.open(opts.project as string);
    try {
      const { runId, issueSet } = await withAbortOnSignal((signal) =>
        trainAndRankIssues(
          project,
          { ...trainConfigFrom(opts), labels: opts.labels as TrainingLabels | undefined },
          {
            signal,
            resumeRunId: opts.resume as number | undefined,
            backbone: backboneFrom(opts),
            onProgress: trainProgressPrinter('train'),
            onRunCreated: (id) => err(`train: run #${id}\n`),
          },
        ),
      );
      const run = project.runs.get(runId)!;
      const m = run.metrics!;
      const n = project.requireDataset().numSamples;
      const labels = run.config.labels ?? 'given';
      const skipped = issueSet.skippedDecided
        ? `; ${issueSet.skippedDecided} more already decided, not queued again`
        : '';
      out(
        `Run #${runId} done on ${run.backend}, trained on the ${labels} labels: out-of-fold accuracy ${m.accuracy.toFixed(4)}, HTER ${m.hter.toFixed(4)}` +
          (m.ece === undefined ? '' : `, ECE ${m.ece.toFixed(4)}`) +
          ` (vs ${labels} labels)\n` +
          `Round ${issueSet.round}: ${issueSet.count} label issues among ${n} images ranked for review (${issueSet.filterBy}, ${issueSet.rankedBy})${skipped}\n` +
          newQueueNote(project, issueSet.id) +
          nextHint(['serve', '--project', project.path]),
      );
    } finally {
      project.close();
    }
  });
}
