import { dirname, join } from 'node:path';
import type { ExportResult } from '../../../src-shared/api';
import type { Decision } from '../../../src-shared/domain';
import type { Project } from '../store/project';
import { removeStaleTemporariesAsync, writeFileAtomicAsync } from './atomic-write';
import { csvLine } from './csv';
import { ExportRefusedError } from './errors';
import {
  backupStamp,
  classifyExisting,
  keepAsBackup,
  MANIFEST_NAME,
  readManifest,
  versionOf,
  writeManifest,
  type ExportManifest,
} from './manifest';
import { prepareOutFolder } from './out-folder';

export const EXPORT_FILES = ['label_train.txt', 'excluded.txt', 'decisions.csv', 'decisions.json'] as const;
export { MANIFEST_NAME };

export interface AuditRow {
  index: number;
  file: string;
  given: number;
  final: number | null;
  action: Decision['action'];
  annotator: string;
  time: string;
}

export interface ExportOptions {
  /** Replace files a previous export did not write, after keeping each as `<name>.bak-<timestamp>`. */
  force?: boolean;
  /** The clock of backup names (tests). */
  now?: Date;
}

/**
 * Writes the cleaned dataset description into `outDir`:
 * - label_train.txt: one label per line, in the original order, with decisions applied
 *   (relabel → new label; keep, undecided and exclude → given label, so line i still belongs to image i);
 * - excluded.txt: the file names of the excluded images, one per line;
 * - decisions.csv / decisions.json: the audit of every current decision;
 * - relabel-export.json: the size and hash of each file written, so a later export may replace them.
 *
 * Never loses a file: it refuses the dataset's own folders (the source labels live there) and refuses to
 * replace anything an earlier export did not write, unless `force`, which keeps the old file as a backup.
 * Each file is written atomically, so an interrupted export never leaves a half-written file, and the
 * manifest lists old and new versions while files are being replaced, so the next export recognises both.
 */
export async function exportLabels(
  project: Project,
  outDir: string,
  opts: ExportOptions = {},
): Promise<ExportResult> {
  const dataset = project.requireDataset();
  const protectedFolders = [dataset.root];
  if (dataset.labelSource) protectedFolders.push(dirname(dataset.labelSource));
  const dir = await prepareOutFolder(outDir, protectedFolders);

  const { contents, counts } = buildExport(project);
  const names = [...EXPORT_FILES, MANIFEST_NAME];
  const manifest = await readManifest(dir);
  const existing = await classifyExisting(dir, EXPORT_FILES, manifest === 'foreign' ? null : manifest);
  const foreign = existing.filter((e) => e.state === 'foreign').map((e) => e.name);
  if (manifest === 'foreign') foreign.push(MANIFEST_NAME);
  if (foreign.length && !opts.force) {
    throw new ExportRefusedError(
      'would_overwrite',
      `${dir} already holds ${foreign.join(', ')}, not written by an earlier Relabel export. ` +
        `Choose another folder, or replace them: each is then kept as <name>.bak-<time>`,
      foreign,
    );
  }

  await removeStaleTemporariesAsync(dir, names);
  const stamp = backupStamp(opts.now ?? new Date());
  const backups: string[] = [];
  for (const name of foreign) backups.push(await keepAsBackup(dir, name, stamp));

  const next: ExportManifest = {
    format: 'relabel-export',
    version: 1,
    project: project.path,
    exportedAt: new Date().toISOString(),
    files: Object.fromEntries(EXPORT_FILES.map((name) => [name, [versionOf(contents[name])]])),
  };
  // While writing: old and new versions both count as ours, whatever moment a kill lands.
  const during = structuredClone(next);
  for (const e of existing) if (e.state === 'ours') during.files[e.name].push(e.version);
  await writeManifest(dir, during);
  for (const name of EXPORT_FILES) await writeFileAtomicAsync(join(dir, name), contents[name]);
  await writeManifest(dir, next);

  return {
    outDir: dir,
    files: EXPORT_FILES.map((f) => join(dir, f)),
    manifest: join(dir, MANIFEST_NAME),
    backups,
    counts,
  };
}

/** The bytes of the four export files, from the project as saved now. */
function buildExport(project: Project): {
  contents: Record<(typeof EXPORT_FILES)[number], Buffer>;
  counts: ExportResult['counts'];
} {
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

  const csv =
    csvLine(['index', 'file', 'given', 'final', 'action', 'annotator', 'time']) +
    audit.map((r) => csvLine([r.index, r.file, r.given, r.final, r.action, r.annotator, r.time])).join('');
  return {
    contents: {
      'label_train.txt': Buffer.from(labels.join('\n') + '\n'),
      'excluded.txt': Buffer.from(excluded.map((p) => p + '\n').join('')),
      'decisions.csv': Buffer.from(csv),
      'decisions.json': Buffer.from(JSON.stringify(audit, null, 1) + '\n'),
    },
    counts,
  };
}
