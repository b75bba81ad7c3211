import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { writeFileAtomic } from '../../core/export/atomic-write';
import { csvLine } from '../../core/export/csv';
import { computeIssueSet } from '../../core/workflows/label-issues';
import { choiceOption, intOption } from '../options';
import type { FilterBy, RankedBy } from '../../../src-shared/domain';
import { out } from '../terminal';

const FILTERS = [
  'prune_by_noise_rate',
  'prune_by_class',
  'both',
  'confident_learning',
  'predicted_neq_given',
  'low_self_confidence',
  'low_normalized_margin',
] as const;
const RANKINGS = ['self_confidence', 'normalized_margin', 'confidence_weighted_entropy'] as const;

export function register(program: Command): void {
  program
    .command('issues')
    .description('Find and rank label issues (confident learning) from the latest cross-validation run')
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--run <id>', 'use this run instead of the latest', intOption('--run'))
    .option(
      '--filter-by <method>',
      FILTERS.join('|'),
      choiceOption('--filter-by', FILTERS),
      'prune_by_noise_rate',
    )
    .option(
      '--ranked-by <method>',
      RANKINGS.join('|'),
      choiceOption('--ranked-by', RANKINGS),
      'self_confidence',
    )
    .option(
      '--out <file>',
      'also write the ranked issues as CSV (rank,index,file,given_label,suggested_label,label_quality)',
    )
    .action(
      (opts: { project: string; run?: number; filterBy: FilterBy; rankedBy: RankedBy; out?: string }) => {
        const project = Project.open(opts.project);
        try {
          const set = computeIssueSet(project, {
            runId: opts.run,
            filterBy: opts.filterBy,
            rankedBy: opts.rankedBy,
          });
          const n = project.getDatasetInfo()!.numSamples;
          if (opts.out) {
            const rows = project.issues.page(set.id, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER).rows;
            writeFileAtomic(
              opts.out,
              csvLine(['rank', 'index', 'file', 'given_label', 'suggested_label', 'label_quality']) +
                rows
                  .map((r) =>
                    csvLine([r.rank, r.sampleIndex, r.path, r.givenLabel, r.suggestedLabel, r.quality]),
                  )
                  .join(''),
            );
          }
          out(
            `${set.count} label issues among ${n} images (${((100 * set.count) / n).toFixed(1)}%), ${set.filterBy}, ranked by ${set.rankedBy}` +
              (opts.out ? `; written to ${opts.out}` : '') +
              `\nReview them: relabel serve --project ${project.path}\n`,
          );
        } finally {
          project.close();
        }
      },
    );
}
