import { jsonForTerminal } from '../../core/quote';
import type { Command } from 'commander';
import { classEvidence } from '../../core/evidence/class-evidence';
import { writeEvidenceFigures } from '../../core/evidence/figures';
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
    .option(
      '--figures <dir>',
      'also write the class-evidence map as PNGs into <dir>: per class, the per-pixel F statistic (class vs rest), its top-10 % pixels, and both beside the class means',
    )
    .action(async (opts: { project: string; json?: boolean; figures?: string }) => {
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
        if (opts.figures) {
          // The project is open read-only: a map not cached yet (by the Dataset page) is computed, not stored.
          const e = await classEvidence(project, { save: false });
          const files = writeEvidenceFigures(
            e,
            project.getClasses().map((c) => c.name),
            opts.figures,
          );
          const images = e.counts.reduce((a, b) => a + b, 0);
          process.stderr.write(
            `class-evidence map over ${images} images written to ${opts.figures}:\n${files.map((f) => `  ${f}\n`).join('')}`,
          );
        }
      } finally {
        project.close();
      }
    });
}
