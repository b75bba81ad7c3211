import type { Project } from '../store/project';
import { writeFileAtomic } from './atomic-write';
import { csvLine } from './csv';

/** The columns of issues.csv; `index` is the 0-based line of label_train.txt. */
export const ISSUES_CSV_HEADER = ['rank', 'index', 'file', 'given_label', 'suggested_label', 'label_quality'];

/** Writes an issue set, in rank order, as issues.csv (atomically). */
export function writeIssuesCsv(project: Project, setId: number, outFile: string): void {
  const { rows } = project.issues.page(setId, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
  writeFileAtomic(
    outFile,
    csvLine(ISSUES_CSV_HEADER) +
      rows
        .map((r) => csvLine([r.rank, r.sampleIndex, r.path, r.givenLabel, r.suggestedLabel, r.quality]))
        .join(''),
  );
}
