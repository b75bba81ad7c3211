import { existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import { nextHint } from '../invocation';
import { CLASS_NAMES_FILE, classNamesArgument } from '../../core/dataset/class-names';
import { importDataset } from '../../core/dataset/import';
import type { ClassInfo } from '../../../src-shared/domain';
import { Project } from '../../core/store/project';
import { withAbortOnSignal } from '../abort';
import { addLimitOptions, choiceOption, intOption, limitsFrom } from '../options';
import { createProgress, type Progress } from '../progress';
import { out } from '../terminal';

interface ImportCliOptions {
  project: string;
  labels?: string;
  inputSize?: number;
  channels: 'auto' | '1' | '3';
  onBadImage: 'skip' | 'stop';
  classNames?: { names: string[]; source: string };
  allowEmptyClasses?: boolean;
  maxClasses?: number;
  maxFileMb?: number;
}

const SHOWN_SKIPS = 20;

export function register(program: Command): void {
  const cmd = program
    .command('import')
    .description(
      'Import a dataset into a project (created if missing); replaces its dataset, keeps every decision',
    )
    .argument(
      '<source>',
      'seed folder (images + label_train.txt), class-folder tree, .csv (path,label) or IDX file/prefix',
    )
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--labels <file>', 'label file for an image folder (default: label_train.txt beside the images)')
    .option(
      '--input-size <px>',
      'model input side (default: the images’ own size if all equal and ≤ 128, else 64)',
      intOption('--input-size', 8),
    )
    .option(
      '--channels <c>',
      'model input channels: auto, 1 or 3',
      choiceOption('--channels', ['auto', '1', '3'] as const),
      'auto',
    )
    .option(
      '--class-names <file|list>',
      `names of classes 0, 1, … for integer labels: a file with one name per line or a comma-separated list (default: ${CLASS_NAMES_FILE} beside the label file, if any)`,
      (v: string) => classNamesArgument(v),
    )
    .option('--allow-empty-classes', 'accept class ids below the largest label that no image has')
    .option(
      '--on-bad-image <mode>',
      'skip: keep going, list unusable images; stop: fail and keep the previous dataset',
      choiceOption('--on-bad-image', ['skip', 'stop'] as const),
      'stop',
    );
  addLimitOptions(cmd).action(async (source: string, opts: ImportCliOptions) => {
    const created = !existsSync(opts.project);
    const project = Project.openOrCreate(opts.project);
    let progress: Progress | undefined;
    let ok = false;
    try {
      const r = await withAbortOnSignal((signal) =>
        importDataset(project, source, {
          labels: opts.labels,
          inputSize: opts.inputSize,
          channels: opts.channels === 'auto' ? 'auto' : (Number(opts.channels) as 1 | 3),
          onBadImage: opts.onBadImage,
          classNames: opts.classNames?.names,
          allowEmptyClasses: opts.allowEmptyClasses,
          limits: limitsFrom(opts),
          signal,
          onProgress: (done, total, phase) => {
            if (phase !== 'decoding') return;
            progress ??= createProgress('import', total);
            progress.tick(done);
          },
        }),
      );
      progress?.done();
      ok = true;
      const d = r.dataset;
      const lines = [
        `Imported ${r.samples} images (${d.format}) from ${d.root} into ${project.path}`,
        `  model input ${d.inputWidth}x${d.inputHeight}x${d.channels}`,
        `  ${describeClasses(project.getClasses(), project.getClassCounts())}`,
      ];
      if (r.decisionsKept || r.decisionsOrphaned) {
        lines.push(
          `  decisions: ${r.decisionsKept} kept, ${r.decisionsOrphaned} refer to images no longer present`,
        );
      }
      if (r.skipped.length > 0) {
        lines.push(
          `  ${r.skipped.length} unusable images kept at their label line with blank pixels (left out of training):`,
        );
        for (const s of r.skipped.slice(0, SHOWN_SKIPS)) lines.push(`    #${s.index} ${s.path}: ${s.reason}`);
        if (r.skipped.length > SHOWN_SKIPS) lines.push(`    … and ${r.skipped.length - SHOWN_SKIPS} more`);
      }
      out(lines.join('\n') + '\n' + nextHint(['train', '--project', project.path]));
    } finally {
      progress?.done();
      project.close();
      // A project file this command created for an import that failed holds nothing: do not leave it behind.
      if (created && !ok)
        for (const suffix of ['', '-wal', '-shm']) rmSync(opts.project + suffix, { force: true });
    }
  });
}

/** "2 classes: 0 footwear (400), 1 other (1,600)" — the class count stated, every class with its images. */
function describeClasses(classes: ClassInfo[], counts: number[]): string {
  const list = classes.map((c) => `${c.id} ${c.name} (${(counts[c.id] ?? 0).toLocaleString('en')})`);
  const empty = classes.filter((c) => !counts[c.id]).length;
  return `${classes.length} classes: ${list.join(', ')}${empty ? `; ${empty} without any image` : ''}`;
}
