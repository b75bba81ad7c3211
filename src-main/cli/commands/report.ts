import { jsonForTerminal } from '../../core/quote';
import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { formatReport, projectReport } from '../../core/workflows/report';
import { out } from '../terminal';

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Metrics: cross-validation, review progress, hold-out accuracy/HTER/confusion before vs after cleaning',
    )
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--json', 'print JSON')
    .action((opts: { project: string; json?: boolean }) => {
      const project = Project.open(opts.project, { readonly: true });
      try {
        const r = projectReport(project);
        out(
          opts.json
            ? jsonForTerminal(r, 2) + '\n'
            : formatReport(
                r,
                project.getClasses().map((c) => c.name),
              ),
        );
      } finally {
        project.close();
      }
    });
}
