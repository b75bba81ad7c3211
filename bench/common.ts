/**
 * What the benchmarks share: the machine's load for their tables, a timestamped log line, a fresh copy of a
 * project file, and a demo dataset (`relabel demo`, noise_truth.txt the answer key) imported into a project once
 * and reused by later runs.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { NOISE_TRUTH_FILE, writeDemoDataset, type DemoOptions } from '../src-main/core/dataset/demo';
import { importDataset } from '../src-main/core/dataset/import';
import { Project } from '../src-main/core/store/project';
import { readNoiseTruth } from '../src-main/core/workflows/simulated-annotator';

/** Load average over 1, 5 and 15 minutes: the tables say how busy the machine was. */
export const loadNow = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** A log to stderr, each line tagged with the benchmark and the time of day. */
export const benchLog =
  (tag: string) =>
  (s: string): void => {
    process.stderr.write(`[${tag} ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  };

/**
 * Copies a closed project file to `to`, first removing whatever an interrupted earlier run left there: SQLite would
 * replay a leftover write-ahead log into the fresh copy (a corrupt file).
 */
export function copyProjectFile(from: string, to: string): void {
  for (const side of ['', '-wal', '-shm']) rmSync(`${to}${side}`, { force: true });
  copyFileSync(from, to);
}

export interface DemoProject {
  /** The demo dataset folder (train_img/, label_train.txt, noise_truth.txt). */
  data: string;
  /** The project the dataset was imported into. */
  project: string;
  /** The images whose given label was flipped. */
  flipped: Set<number>;
}

/**
 * The demo dataset written to `data` and imported into `project`, each only when not done before (an
 * interrupted write or import is started again).
 */
export async function demoProject(
  data: string,
  project: string,
  options: DemoOptions & { count: number },
): Promise<DemoProject> {
  // README.txt is the demo's last file: without it the write was interrupted.
  if (!existsSync(join(data, 'README.txt'))) {
    rmSync(data, { recursive: true, force: true });
    await writeDemoDataset(data, options);
  }
  const imported = `${project}.imported`;
  if (!existsSync(imported)) {
    for (const ext of ['', '-wal', '-shm']) rmSync(`${project}${ext}`, { force: true });
    mkdirSync(dirname(project), { recursive: true });
    const p = Project.create(project);
    try {
      await importDataset(p, data, { onBadImage: 'stop' });
    } finally {
      p.close();
    }
    writeFileSync(imported, '');
  }
  return { data, project, flipped: readNoiseTruth(join(data, NOISE_TRUTH_FILE), options.count) };
}
