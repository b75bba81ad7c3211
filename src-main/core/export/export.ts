import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExportResult } from '../../../src-shared/api';
import type { Decision } from '../../../src-shared/domain';
import { explainWriteError } from '../store/errors';
import type { Project } from '../store/project';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-write';
import { csvLine } from './csv';

export const EXPORT_FILES = ['label_train.txt', 'excluded.txt', 'decisions.csv', 'decisions.json'] as const;

export interface AuditRow {
  index: number;
  file: string;
  given: number;
  final: number | null;
  action: Decision['action'];
  annotator: string;
  time: string;
}

/**
 * Writes the cleaned dataset description into `outDir`:
 * - label_train.txt: one label per line, in the original order, with decisions applied
 *   (relabel → new label; keep, undecided and exclude → given label, so line i still belongs to image i);
 * - excluded.txt: the file names of the excluded images, one per line;
 * - decisions.csv / decisions.json: the audit of every current decision.
 * Each file is written atomically, so an interrupted export never leaves a half-written file.
 */
export function exportLabels(project: Project, outDir: string): ExportResult {
  project.requireDataset();
  const dir = resolve(outDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw explainWriteError(e, dir, 'Export to a writable folder.');
  }
  const samples = project.getSamples();
  const byIndex = new Map(project.decisions.current().map((d) => [d.sampleIndex, d]));

  const labels: string[] = [];
  const excluded: string[] = [];
  const audit: AuditRow[] = [];
  const counts = { total: samples.length, relabeled: 0, excluded: 0, kept: 0, undecided: 0 };
  for (const s of samples) {
    const d = byIndex.get(s.index);
    labels.push(String(d?.action === 'relabel' ? d.finalLabel : s.givenLabel));
    if (!d) {
      counts.undecided++;
      continue;
    }
    if (d.action === 'exclude') {
      excluded.push(s.path);
      counts.excluded++;
    } else if (d.action === 'relabel') counts.relabeled++;
    else counts.kept++;
    audit.push({
      index: s.index,
      file: s.path,
      given: s.givenLabel,
      final: d.finalLabel,
      action: d.action,
      annotator: d.annotator,
      time: d.decidedAt,
    });
  }

  removeStaleTemporaries(dir, EXPORT_FILES);
  writeFileAtomic(join(dir, 'label_train.txt'), labels.join('\n') + '\n');
  writeFileAtomic(join(dir, 'excluded.txt'), excluded.map((p) => p + '\n').join(''));
  writeFileAtomic(
    join(dir, 'decisions.csv'),
    csvLine(['index', 'file', 'given', 'final', 'action', 'annotator', 'time']) +
      audit.map((r) => csvLine([r.index, r.file, r.given, r.final, r.action, r.annotator, r.time])).join(''),
  );
  writeFileAtomic(join(dir, 'decisions.json'), JSON.stringify(audit, null, 1) + '\n');
  return { outDir: dir, files: EXPORT_FILES.map((f) => join(dir, f)), counts };
}
