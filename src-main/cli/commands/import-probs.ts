import type { Command } from 'commander';
import { nextHint } from '../invocation';
import { Project } from '../../core/store/project';
import { importProbabilities } from '../../core/workflows/import-probs';
import { out } from '../terminal';

export function register(program: Command): void {
  program
    .command('import-probs')
    .description(
      'Store out-of-fold probabilities computed elsewhere (CSV label,p0,…,p{K-1}; rows in label_train.txt order)',
    )
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .requiredOption('--csv <file>', 'probabilities CSV')
    .action((opts: { project: string; csv: string }) => {
      const project = Project.open(opts.project);
      try {
        const runId = importProbabilities(project, opts.csv);
        out(`Imported as run #${runId}. ` + nextHint(['issues', '--project', project.path]));
      } finally {
        project.close();
      }
    });
}
