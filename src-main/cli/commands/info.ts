import { jsonForTerminal } from '../../core/quote';
import type { Command } from 'commander';
import { Project } from '../../core/store/project';
import { projectReport } from '../../core/workflows/report';
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

export function projectInfoOf(project: Project) {
  const dataset = project.getDatasetInfo();
  const classes = project.getClasses();
  const counts = dataset ? project.getClassCounts() : [];
  const issueSet = project.issues.latest();
  return {
    project: project.path,
    dataset,
    classes: classes.map((c) => ({ ...c, count: counts[c.id] ?? 0 })),
    runs: project.runs.list().map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      backend: r.backend,
      startedAt: r.startedAt,
      accuracy: r.metrics?.accuracy ?? null,
      hter: r.metrics?.hter ?? null,
    })),
    issues: issueSet ? { ...issueSet, reviewed: project.issues.reviewedCount(issueSet.id) } : null,
    decisions: project.decisions.counts(),
    orphanedDecisions: project.decisions.orphaned().length,
    report: dataset ? projectReport(project) : null,
  };
}

function formatInfo(info: ReturnType<typeof projectInfoOf>): string {
  const lines = [`Project ${info.project}`];
  if (!info.dataset) {
    lines.push('  no dataset yet: import one with `relabel import <images-dir> --project <file>`');
    return lines.join('\n') + '\n';
  }
  const d = info.dataset;
  lines.push(
    `  dataset: ${d.numSamples} images (${d.format}) from ${d.root}, model input ${d.inputWidth}x${d.inputHeight}x${d.channels}`,
  );
  for (const c of info.classes) {
    lines.push(`    class ${c.id} ${c.name}: ${c.count} (${((100 * c.count) / d.numSamples).toFixed(1)}%)`);
  }
  lines.push(`  runs: ${info.runs.length}`);
  for (const r of info.runs) {
    const m = r.accuracy === null ? '' : `  accuracy ${r.accuracy.toFixed(4)}  HTER ${r.hter!.toFixed(4)}`;
    lines.push(`    #${r.id} ${r.kind} ${r.status} ${r.backend ?? ''}${m}`);
  }
  if (info.issues) {
    lines.push(
      `  issues: ${info.issues.count} (${info.issues.filterBy}, ranked by ${info.issues.rankedBy}), ${info.issues.reviewed} reviewed`,
    );
  }
  const dc = info.decisions;
  lines.push(`  decisions: ${dc.keep} keep, ${dc.relabel} relabel, ${dc.exclude} exclude`);
  if (info.orphanedDecisions)
    lines.push(`  ${info.orphanedDecisions} decisions refer to images no longer in the dataset`);
  return lines.join('\n') + '\n';
}
