import { jsonForTerminal } from '../../core/quote';
import type { Command } from 'commander';
import { classEvidence } from '../../core/evidence/class-evidence';
import { writeEvidenceFigures } from '../../core/evidence/figures';
import { Project } from '../../core/store/project';
import { formatReport, projectReport } from '../../core/workflows/report';
import {
  completeEmbeddings,
  datasetHealth,
  datasetHealthOf,
  NO_EMBEDDINGS_MESSAGE,
} from '../../core/workflows/dataset-health';
import { formatHealth } from '../../core/workflows/health-report';
import type { DatasetHealth } from '../../../src-shared/health';
import { out } from '../terminal';
import { createProgress } from '../progress';

/** Exact duplicates always; near-duplicates and outliers when asked (the all-pairs scan takes minutes at scale). */
async function healthSection(project: Project, scan: boolean): Promise<DatasetHealth> {
  const e = completeEmbeddings(project);
  if (!e || !scan)
    return datasetHealthOf(project, null, {
      status: 'unavailable',
      message: e
        ? `add --health to compare every pair of the ${e.n} stored image embeddings`
        : NO_EMBEDDINGS_MESSAGE,
      progress: null,
      backbone: null,
    });
  const progress = createProgress('comparing embeddings', e.n);
  const h = await datasetHealth(project, { onProgress: (done) => progress.tick(done) });
  progress.done();
  return h;
}

export function register(program: Command): void {
  program
    .command('report')
    .description(
      'Metrics: cross-validation, review progress, hold-out accuracy/HTER/confusion before vs after cleaning',
    )
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--json', 'print JSON')
    .option(
      '--health',
      'also find near-duplicates and outliers in the stored embeddings (after train --model pretrained): compares every pair of images, minutes on 100,000',
    )
    .option(
      '--figures <dir>',
      'also write the class-evidence map as PNGs into <dir>: per class, the per-pixel F statistic (class vs rest), its top-10 % pixels, and both beside the class means',
    )
    .action(async (opts: { project: string; json?: boolean; figures?: string; health?: boolean }) => {
      const project = Project.open(opts.project, { readonly: true });
      try {
        const r = projectReport(project);
        const health = await healthSection(project, Boolean(opts.health));
        const classNames = project.getClasses().map((c) => c.name);
        out(
          opts.json
            ? jsonForTerminal({ ...r, health }, 2) + '\n'
            : formatReport(r, classNames) + formatHealth(health, classNames).join('\n') + '\n',
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
