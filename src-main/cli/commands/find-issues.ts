import type { Command } from 'commander';
import { DEFAULT_LIMITS } from '../../core/limits';
import { intOption } from '../options';
import { out } from '../terminal';
import {
  CLEANLAB_DEFAULT_FILTER_BY,
  DEFAULT_RANKED_BY,
  FILTER_BY_METHODS,
  RANKED_BY_METHODS,
  type FilterBy,
  type RankedBy,
} from '../../../src-shared/domain';
import { findLabelIssues, getLabelQualityScores, readPredProbsCsv, suggestedLabels } from '../../core/clean';

/** Options of `relabel find-issues`, as commander hands them over (strings unparsed). */
export interface FindIssuesOptions {
  predProbs: string;
  filterBy?: string;
  /** A ranking method or 'none' (unranked set, ascending). */
  rankedBy?: string;
  fracNoise?: string | number;
  /** Print one label quality score per row with this method instead of issues. */
  scores?: string;
  json?: boolean;
  /** Most classes (probability columns) accepted. */
  maxClasses?: number;
}

function parseFilterBy(value: string | undefined): FilterBy {
  const v = value ?? CLEANLAB_DEFAULT_FILTER_BY;
  if (!(FILTER_BY_METHODS as readonly string[]).includes(v)) {
    throw new Error(`--filter-by must be one of ${FILTER_BY_METHODS.join(', ')}; got '${v}'`);
  }
  return v as FilterBy;
}

function parseRankedBy(value: string | undefined, flag: string, allowNone: boolean): RankedBy | null {
  const v = value ?? DEFAULT_RANKED_BY;
  if (allowNone && v === 'none') return null;
  if (!(RANKED_BY_METHODS as readonly string[]).includes(v)) {
    const choices = RANKED_BY_METHODS.join(', ') + (allowNone ? ' or none' : '');
    throw new Error(`${flag} must be one of ${choices}; got '${v}'`);
  }
  return v as RankedBy;
}

function parseFracNoise(value: string | number | undefined): number {
  if (value === undefined) return 1;
  const x = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(x) || x < 0 || x > 1)
    throw new Error(`--frac-noise must be a number in [0, 1]; got '${value}'`);
  return x;
}

/**
 * Runs `relabel find-issues` and passes its whole standard output to `write`: ranked 0-based row indices one per
 * line (or the unranked set ascending with `--ranked-by none`); with `--scores R` one label quality score per row;
 * with `--json` a JSON array of { index, given, suggested, score } (or of the scores). Throws on bad input.
 */
export function runFindIssues(options: FindIssuesOptions, write: (text: string) => void): void {
  if (!options.predProbs) throw new Error('--pred-probs <file.csv> is required');
  const filterBy = parseFilterBy(options.filterBy);
  const rankedBy = parseRankedBy(options.rankedBy, '--ranked-by', true);
  const fracNoise = parseFracNoise(options.fracNoise);
  const { labels, probs, K } = readPredProbsCsv(options.predProbs, options.maxClasses);

  if (options.scores !== undefined) {
    const method = parseRankedBy(options.scores, '--scores', false)!;
    const scores = getLabelQualityScores(labels, probs, K, method);
    if (options.json) write(JSON.stringify(Array.from(scores)) + '\n');
    else write(joinLines(Array.from(scores, (s) => String(s))));
    return;
  }

  const issues = findLabelIssues(labels, probs, K, { filterBy, rankedBy, fracNoise });
  if (!options.json) {
    write(joinLines(Array.from(issues, (i) => String(i))));
    return;
  }
  const scores = getLabelQualityScores(labels, probs, K, rankedBy ?? 'self_confidence');
  const suggested = suggestedLabels(probs, K);
  const records = Array.from(issues, (index) => ({
    index,
    given: labels[index],
    suggested: suggested[index],
    score: scores[index],
  }));
  write(JSON.stringify(records) + '\n');
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** Adds `relabel find-issues` to the CLI. */
export function register(program: Command): void {
  program
    .command('find-issues')
    .description('find likely label issues in out-of-fold probabilities (cleanlab 2.9.0 compatible)')
    .requiredOption('--pred-probs <file>', 'CSV with columns label,p0,…,p{K-1} (header optional)')
    .option(
      '--filter-by <method>',
      `issue filter: ${FILTER_BY_METHODS.join(', ')}`,
      CLEANLAB_DEFAULT_FILTER_BY,
    )
    .option('--ranked-by <method>', `ranking: ${RANKED_BY_METHODS.join(', ')} or none`, DEFAULT_RANKED_BY)
    .option('--frac-noise <x>', 'fraction of the estimated issues to return (prune filters only)', '1')
    .option('--scores <method>', 'print one label quality score per row with this method instead')
    .option('--json', 'print JSON instead of one value per line')
    .option(
      '--max-classes <n>',
      `most classes (probability columns) accepted (default ${DEFAULT_LIMITS.maxClasses})`,
      intOption('--max-classes', 2),
    )
    .action((opts: FindIssuesOptions) => {
      runFindIssues(opts, (text) => out(text));
    });
}
