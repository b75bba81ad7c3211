import { InvalidArgumentError, type Command } from 'commander';
import { Project } from '../../core/store/project';
import { writeFileAtomic } from '../../core/export/atomic-write';
import { csvLine } from '../../core/export/csv';
import { computeIssueSet } from '../../core/workflows/label-issues';
import { choiceOption, intOption } from '../options';
import { MAX_AVERAGED_RUNS, type FilterBy, type RankedBy } from '../../../src-shared/domain';

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

/** `--runs 3,5,8`: at least two distinct run ids. */
function runList(v: string): number[] {
  const ids = v.split(',').map((s) => s.trim());
  if (ids.length < 2 || ids.length > MAX_AVERAGED_RUNS || ids.some((s) => !/^[1-9]\d*$/.test(s)))
    throw new InvalidArgumentError(
      `--runs needs 2 to ${MAX_AVERAGED_RUNS} run ids separated by commas, got "${v}"`,
    );
  const nums = ids.map(Number);
  if (new Set(nums).size !== nums.length) throw new InvalidArgumentError(`--runs lists a run twice: "${v}"`);
  return nums;
}

export function register(program: Command): void {
  program
    .command('issues')
    .description('Find and rank label issues (confident learning) from the latest cross-validation run')
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--run <id>', 'use this run instead of the latest', intOption('--run'))
    .option(
      '--runs <ids>',
      "rank on the average of these finished runs' out-of-fold probabilities, e.g. --runs 3,5 (an ensemble)",
      runList,
    )
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
      (opts: {
        project: string;
        run?: number;
        runs?: number[];
        filterBy: FilterBy;
        rankedBy: RankedBy;
        out?: string;
      }) => {
        if (opts.run !== undefined && opts.runs !== undefined)
          throw new Error('give --run or --runs, not both');
        const project = Project.open(opts.project);
        try {
          const set = computeIssueSet(project, {
            runId: opts.run,
            runIds: opts.runs,
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
          process.stdout.write(
            `${set.count} label issues among ${n} images (${((100 * set.count) / n).toFixed(1)}%), ${set.filterBy}, ranked by ${set.rankedBy}` +
              (set.runIds.length > 1
                ? ` on the average of runs ${set.runIds.map((r) => `#${r}`).join(', ')}`
                : '') +
              (opts.out ? `; written to ${opts.out}` : '') +
              `\nReview them: relabel serve --project ${project.path}\n`,
          );
        } finally {
          project.close();
        }
      },
    );
}
