import { dirname, join } from 'node:path';
import type { ExportResult } from '../../../src-shared/api';
import { finalLabelOf, type Decision } from '../../../src-shared/domain';
import { ProjectError } from '../store/errors';
import type { Project } from '../store/project';
import { AtomicFile, removeStaleTemporariesAsync } from './atomic-write';
import { csvLine } from './csv';
import { ExportRefusedError } from './errors';
import {
  backupStamp,
  classifyExisting,
  keepAsBackup,
  MANIFEST_NAME,
  readManifest,
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
  const files = await openExportFiles(dir);
  let counts: ExportResult['counts'];
  try {
    counts = await writeExport(project, files);
  } catch (e) {
    await Promise.all(Object.values(files).map((f) => f.abort()));
    throw e;
  }

  const stamp = backupStamp(opts.now ?? new Date());
  const backups: string[] = [];
  for (const name of foreign) backups.push(await keepAsBackup(dir, name, stamp));
  const next: ExportManifest = {
    format: 'relabel-export',
    version: 1,
    project: project.path,
    exportedAt: new Date().toISOString(),
    files: Object.fromEntries(
      EXPORT_FILES.map((name) => [name, [{ size: files[name].size, sha256: files[name].digest() }]]),
    ),
  };
  // While the files are renamed into place, old and new versions both count as ours, wherever a kill lands.
  const during = structuredClone(next);
  for (const e of existing) if (e.state === 'ours') during.files[e.name].push(e.version);
  await writeManifest(dir, during);
  for (const name of EXPORT_FILES) await files[name].commit();
  await writeManifest(dir, next);

  return {
    outDir: dir,
    files: EXPORT_FILES.map((f) => join(dir, f)),
    manifest: join(dir, MANIFEST_NAME),
    backups,
    counts,
  };
}

type ExportFiles = Record<(typeof EXPORT_FILES)[number], AtomicFile>;

async function openExportFiles(dir: string): Promise<ExportFiles> {
  const opened: AtomicFile[] = [];
  try {
    for (const name of EXPORT_FILES) opened.push(await AtomicFile.create(join(dir, name)));
  } catch (e) {
    await Promise.all(opened.map((f) => f.abort()));
    throw e;
  }
  return Object.fromEntries(EXPORT_FILES.map((name, i) => [name, opened[i]])) as ExportFiles;
}

/** Rows read (and written) per slice; between slices the event loop serves other requests. */
const SLICE = 1000;

/**
 * Writes the four files from the project as saved now, a slice of samples at a time (each read with its current
 * decision, so every line agrees with its audit row), appending each slice to the temporary files off the event
 * loop: a large export never stalls other clients nor holds the whole files in memory. The slices must add up to
 * the dataset (an import switching it meanwhile fails the export, writing nothing).
 */
async function writeExport(project: Project, files: ExportFiles): Promise<ExportResult['counts']> {
  const gen = project.datasetGeneration;
  const total = project.requireDataset().numSamples;
  const counts = { total, relabeled: 0, excluded: 0, kept: 0, undecided: 0 };
  await files['decisions.csv'].write(
    csvLine(['index', 'file', 'given', 'final', 'action', 'annotator', 'time']),
  );
  let audited = 0;
  for (let from = 0; from < total; from += SLICE) {
    const rows = project.labelRows(gen, from, from + SLICE);
    if (rows.length !== Math.min(SLICE, total - from)) throw datasetChanged();
    const labels: string[] = [];
    const excluded: string[] = [];
    const csv: string[] = [];
    const json: string[] = [];
    for (const [i, r] of rows.entries()) {
      if (r.idx !== from + i) throw datasetChanged();
      if (r.action === null) {
        labels.push(`${r.given_label}\n`);
        counts.undecided++;
        continue;
      }
      const final = finalLabelOf(r.action, r.new_label, r.given_label);
      labels.push(`${r.action === 'relabel' ? final : r.given_label}\n`);
      if (r.action === 'exclude') {
        excluded.push(`${r.path}\n`);
        counts.excluded++;
      } else if (r.action === 'relabel') counts.relabeled++;
      else counts.kept++;
      const row: AuditRow = {
        index: r.idx,
        file: r.path,
        given: r.given_label,
        final,
        action: r.action,
        annotator: r.annotator ?? '',
        time: r.decided_at ?? '',
      };
      csv.push(csvLine([row.index, row.file, row.given, row.final, row.action, row.annotator, row.time]));
      // As JSON.stringify(audit, null, 1) writes each element: indented by one more space.
      json.push(`${audited++ ? ',\n' : '[\n'} ${JSON.stringify(row, null, 1).replace(/\n/g, '\n ')}`);
    }
    await files['label_train.txt'].write(labels.join(''));
    await files['excluded.txt'].write(excluded.join(''));
    await files['decisions.csv'].write(csv.join(''));
    await files['decisions.json'].write(json.join(''));
  }
  await files['decisions.json'].write(audited ? '\n]\n' : '[]\n');
  if (project.datasetGeneration !== gen) throw datasetChanged();
  return counts;
}

const datasetChanged = () =>
  new ProjectError('the dataset was re-imported while exporting; nothing was written. Export again.');
