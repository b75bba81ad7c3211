import type { IssueType } from '../../../src-shared/domain';
import type { HealthScan } from '../features/dataset-health';
import type { IssueRow } from '../store/issues';
import type { Project } from '../store/project';
import { healthIssuesOf, issueTypesOf, type HealthIssues } from '../workflows/health-issues';
import { writeFileAtomic } from './atomic-write';
import { csvLine } from './csv';

/**
 * The columns of issues.csv and how each is written; `index` is the 0-based line of label_train.txt.
 * `issue_types`: the image's types joined by `;` (label, duplicate, outlier); `duplicate_of`: the indices of the
 * other members of its duplicate group, joined by `;`. Rows that are no label issue leave the confident-learning
 * columns (rank, suggested_label, label_quality) empty.
 */
const COLUMNS: [string, (r: CsvRow) => string | number][] = [
  ['rank', (r) => r.label?.rank ?? ''],
  ['index', (r) => r.index],
  ['file', (r) => r.path],
  ['given_label', (r) => r.givenLabel],
  ['suggested_label', (r) => r.label?.suggestedLabel ?? ''],
  ['label_quality', (r) => r.label?.quality ?? ''],
  ['issue_types', (r) => r.types.join(';')],
  ['duplicate_of', (r) => r.partners.join(';')],
];
export const ISSUES_CSV_HEADER = COLUMNS.map(([name]) => name);

interface CsvRow {
  index: number;
  path: string;
  givenLabel: number;
  label: IssueRow | undefined;
  types: IssueType[];
  partners: number[];
}

/**
 * Writes an issue set as issues.csv (atomically): its label issues in rank order, then the dataset's other
 * duplicates (conflicting labels first) and outliers. Exact duplicates always; near-duplicates and outliers
 * from `scan` (the embedding scan), when given. Answers how many duplicates and outliers it lists.
 */
export function writeIssuesCsv(
  project: Project,
  setId: number,
  outFile: string,
  scan: HealthScan | null = null,
): { duplicates: number; outliers: number } {
  const { rows } = project.issues.page(setId, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
  const h = healthIssuesOf(project.getSamples(), scan);
  const labelRows = new Map(rows.map((r) => [r.sampleIndex, r]));
  const order = [...new Set([...rows.map((r) => r.sampleIndex), ...h.duplicates, ...h.outliers])];
  writeFileAtomic(
    outFile,
    csvLine(ISSUES_CSV_HEADER) +
      order
        .map((i) => csvRow(h, i, labelRows.get(i)))
        .map((r) => csvLine(COLUMNS.map(([, value]) => value(r))))
        .join(''),
  );
  return { duplicates: h.duplicates.length, outliers: h.outliers.length };
}

function csvRow(h: HealthIssues, index: number, label: IssueRow | undefined): CsvRow {
  return {
    index,
    path: label?.path ?? h.paths[index],
    givenLabel: label?.givenLabel ?? h.labels[index],
    label,
    types: issueTypesOf(h, index, label !== undefined),
    partners: h.groupOf.get(index)?.members.filter((i) => i !== index) ?? [],
  };
}
