import type { Command } from 'commander';
import { exportLabels } from '../../core/export/export';
import { Project } from '../../core/store/project';

export function register(program: Command): void {
  program
    .command('export')
    .description('Write the cleaned label_train.txt (same order), excluded.txt and the decisions audit')
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .action((opts: { project: string; out: string }) => {
      const project = Project.open(opts.project, { readonly: true });
      try {
        const r = exportLabels(project, opts.out);
        const c = r.counts;
        process.stdout.write(
          `Wrote ${r.files.join(', ')}\n${c.total} images: ${c.relabeled} relabeled, ${c.excluded} excluded, ${c.kept} kept, ${c.undecided} undecided\n`,
        );
      } finally {
        project.close();
      }
    });
}
