import { jsonForTerminal } from '../../core/quote';
import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { projectSummary } from '../../core/workflows/project-summary';
import { projectReport } from '../../core/workflows/report';
import { invokedAs } from '../invocation';
import { out } from '../terminal';

export function register(program: Command): void {
  program
    .command('info')
    .description('Show a project: dataset, counts per class, runs and decisions')
    .requiredOption('--project <file>', 'project file (*.relabel)')
    .option('--json', 'print JSON instead of text')
    .action((opts: { project: string; json?: boolean }) => {
      const project = Project.open(opts.project, { readonly: true });
      try {
        const info = projectInfoOf(project);
        out(opts.json ? jsonForTerminal(info, 2) + '\n' : formatInfo(info));
      } finally {
        project.close();
      }
    });
}

/** The project summary (the one the app shows), plus the run list, orphaned decisions and the report. */
export function projectInfoOf(project: Project) {
  const summary = projectSummary(project);
  return {
    ...summary,
    runs: project.runs.list().map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      backend: r.backend,
      startedAt: r.startedAt,
      accuracy: r.metrics?.accuracy ?? null,
      hter: r.metrics?.hter ?? null,
    })),
    orphanedDecisions: project.decisions.orphaned().length,
    report: summary.dataset ? projectReport(project, summary) : null,
  };
}

function formatInfo(info: ReturnType<typeof projectInfoOf>): string {
  const lines = [`Project ${info.projectPath}`];
  if (!info.dataset) {
    lines.push(`  no dataset yet: import one with \`${invokedAs()} import <images-dir> --project <file>\``);
    return lines.join('\n') + '\n';
  }
  const d = info.dataset;
  lines.push(
    `  dataset: ${d.numSamples} images (${d.format}) from ${d.root}, model input ${d.inputWidth}x${d.inputHeight}x${d.channels}`,
  );
  for (const c of info.classes) {
    const count = info.classCounts[c.id] ?? 0;
    lines.push(`    class ${c.id} ${c.name}: ${count} (${((100 * count) / d.numSamples).toFixed(1)}%)`);
  }
  lines.push(`  runs: ${info.runs.length}`);
  for (const r of info.runs) {
    const m = r.accuracy === null ? '' : `  accuracy ${r.accuracy.toFixed(4)}  HTER ${r.hter!.toFixed(4)}`;
    lines.push(`    #${r.id} ${r.kind} ${r.status} ${r.backend ?? ''}${m}`);
  }
  if (info.issueSet) {
    lines.push(
      `  issues: ${info.issueSet.count} (${info.issueSet.filterBy}, ranked by ${info.issueSet.rankedBy}), ${info.counts.reviewed} reviewed`,
    );
  }
  const dc = info.counts.decisions;
  lines.push(`  decisions: ${dc.keep} keep, ${dc.relabel} relabel, ${dc.exclude} exclude`);
  if (info.orphanedDecisions)
    lines.push(`  ${info.orphanedDecisions} decisions refer to images no longer in the dataset`);
  return lines.join('\n') + '\n';
}
