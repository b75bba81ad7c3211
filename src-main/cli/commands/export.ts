import type { Command } from 'commander';
import { ExportRefusedError } from '../../core/export/errors';
import { exportLabels } from '../../core/export/export';
import { Project } from '../../core/store/project';
import { out } from '../terminal';

export function register(program: Command): void {
  program
    .command('export')
    .description('Write the cleaned label_train.txt (same order), excluded.txt and the decisions audit')
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .requiredOption('--out <dir>', 'output folder (created if missing; never the dataset folder)')
    .option('--force', 'replace files an earlier export did not write, keeping each as <name>.bak-<time>')
    .action(async (opts: { project: string; out: string; force?: boolean }) => {
      const project = Project.open(opts.project, { readonly: true });
      try {
        const r = await exportLabels(project, opts.out, { force: opts.force === true });
        const c = r.counts;
        const kept = r.backups.length ? `Kept the previous files as ${r.backups.join(', ')}\n` : '';
        out(
          `${kept}Wrote ${r.files.join(', ')}\n${c.total} images: ${c.relabeled} relabeled, ${c.excluded} excluded, ${c.kept} kept, ${c.undecided} undecided\n`,
        );
      } catch (e) {
        if (e instanceof ExportRefusedError && e.reason === 'would_overwrite') {
          throw new Error(`${e.message} (--force replaces them)`);
        }
        throw e;
      } finally {
        project.close();
      }
    });
}
