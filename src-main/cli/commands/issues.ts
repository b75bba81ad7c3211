import { InvalidArgumentError, type Command } from 'commander';
import {
  defaultFilterBy,
  DEFAULT_RANKED_BY,
  FILTER_BY_METHODS,
  MAX_AVERAGED_RUNS,
  RANKED_BY_METHODS,
  type FilterBy,
  type RankedBy,
} from '../../../src-shared/domain';
import { writeIssuesCsv, ISSUES_CSV_HEADER } from '../../core/export/issues-csv';
import { Project } from '../../core/store/project';
import { computeIssueSet } from '../../core/workflows/label-issues';
import { completeEmbeddings, scanStoredEmbeddings } from '../../core/workflows/dataset-health';
import { createProgress } from '../progress';
import { choiceOption, intOption } from '../options';
import { nextHint } from '../invocation';
import { newQueueNote } from '../queue-note';
import { out } from '../terminal';

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
    .description(
      'Find and rank label issues (confident learning) from the latest cross-validation run; they become the ' +
        'review queue (a new issue set; earlier sets and every decision stay available)',
    )
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--run <id>', 'use this run instead of the latest', intOption('--run'))
    .option(
      '--runs <ids>',
      "rank on the average of these finished runs' out-of-fold probabilities, e.g. --runs 3,5 (an ensemble)",
      runList,
    )
    .option(
      '--filter-by <method>',
      `${FILTER_BY_METHODS.join('|')} (default: ${defaultFilterBy(2)} for 2 classes, ${defaultFilterBy(3)} for 3 or more)`,
      choiceOption('--filter-by', FILTER_BY_METHODS),
    )
    .option(
      '--ranked-by <method>',
      RANKED_BY_METHODS.join('|'),
      choiceOption('--ranked-by', RANKED_BY_METHODS),
      DEFAULT_RANKED_BY,
    )
    .option('--out <file>', `also write the ranked issues as CSV (${ISSUES_CSV_HEADER.join(',')})`)
    .option(
      '--health',
      'with --out: also list near-duplicates and outliers from the stored embeddings (compares every pair of images, minutes on 100,000); exact duplicates are always listed',
    )
    .action(
      async (opts: {
        project: string;
        run?: number;
        runs?: number[];
        filterBy?: FilterBy;
        rankedBy: RankedBy;
        out?: string;
        health?: boolean;
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
          const n = project.requireDataset().numSamples;
          let listed = '';
          if (opts.out) {
            const e = opts.health ? completeEmbeddings(project) : null;
            if (opts.health && !e)
              out('No embeddings of every image yet (train --model pretrained): exact duplicates only.\n');
            let scan = null;
            if (e) {
              const progress = createProgress('comparing embeddings', e.n);
              scan = await scanStoredEmbeddings(project, e, { onProgress: (done) => progress.tick(done) });
              progress.done();
            }
            const { duplicates, outliers } = writeIssuesCsv(project, set.id, opts.out, scan);
            listed = ` with ${duplicates} duplicate${duplicates === 1 ? '' : 's'}${scan ? ` and ${outliers} outlier${outliers === 1 ? '' : 's'}` : ''}`;
          }
          out(
            `Round ${set.round}: ${set.count} label issues among ${n} images (${((100 * set.count) / n).toFixed(1)}%), ${set.filterBy}, ranked by ${set.rankedBy}` +
              (set.runIds.length > 1
                ? ` on the average of runs ${set.runIds.map((r) => `#${r}`).join(', ')}`
                : '') +
              (opts.out ? `; written to ${opts.out}${listed}` : '') +
              '\n' +
              newQueueNote(project, set.id) +
              nextHint(['serve', '--project', project.path], 'Review them:'),
          );
        } finally {
          project.close();
        }
      },
    );
}
