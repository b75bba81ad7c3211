import type { Comparison, ProjectSummary } from '../../../src-shared/api';
import type { Metrics, TrainingLabels } from '../../../src-shared/domain';
import type { RoundSummary, StopSignal } from '../../../src-shared/rounds';
import type { Project } from '../store/project';
import { compareBeforeAfter } from './holdout';
import { projectSummary } from './project-summary';
import { stopSignalOf } from './rounds';

export interface ProjectReport {
  crossValidation: {
    runId: number;
    backend: string | null;
    labels: TrainingLabels;
    metrics: Metrics | null;
  } | null;
  issues: { count: number; reviewed: number; filterBy: string; rankedBy: string } | null;
  decisions: { keep: number; relabel: number; exclude: number };
  rounds: RoundSummary[];
  /** Is it still worth reviewing the queue (null: no queue)? */
  stopSignal: StopSignal | null;
  comparison: Comparison;
}

/** What cleaning achieved so far: CV quality, review progress and hold-out metrics before vs after. */
export function projectReport(
  project: Project,
  summary: ProjectSummary = projectSummary(project),
): ProjectReport {
  const cv = project.runs.latest(['cv']);
  const set = summary.issueSet;
  return {
    crossValidation: cv
      ? { runId: cv.id, backend: cv.backend, labels: cv.config.labels ?? 'given', metrics: cv.metrics }
      : null,
    issues: set
      ? {
          count: set.count,
          reviewed: summary.counts.reviewed,
          filterBy: set.filterBy,
          rankedBy: set.rankedBy,
        }
      : null,
    decisions: summary.counts.decisions,
    rounds: summary.rounds,
    stopSignal: stopSignalOf(project),
    comparison: compareBeforeAfter(project),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** ", ECE x% (mean confidence y%)" for runs that measured it. */
const calibrationText = (m: Metrics) =>
  m.ece === undefined
    ? ''
    : `, ECE ${pct(m.ece)}` +
      (m.meanConfidence === undefined ? '' : ` (mean confidence ${pct(m.meanConfidence)})`);

/** The report as text tables for the terminal. */
export function formatReport(r: ProjectReport, classNames: string[]): string {
  const out: string[] = [];
  if (r.crossValidation?.metrics) {
    const m = r.crossValidation.metrics;
    out.push(
      `Cross-validation run #${r.crossValidation.runId} (${r.crossValidation.backend ?? '?'}), out-of-fold vs ${r.crossValidation.labels} labels: accuracy ${pct(m.accuracy)}, HTER ${pct(m.hter)}` +
        calibrationText(m),
    );
  }
  if (r.issues)
    out.push(
      `Label issues: ${r.issues.count} (${r.issues.filterBy}, ${r.issues.rankedBy}), ${r.issues.reviewed} reviewed`,
    );
  out.push(
    `Decisions: ${r.decisions.keep} keep, ${r.decisions.relabel} relabel, ${r.decisions.exclude} exclude`,
  );
  out.push(...formatRounds(r.rounds, r.stopSignal));
  const { before, after, notes } = r.comparison;
  if (before?.metrics || after?.metrics) {
    out.push('', 'Hold-out evaluation        before      after');
    const row = (name: string, f: (m: Metrics) => number) =>
      `  ${name.padEnd(22)} ${(before?.metrics ? pct(f(before.metrics)) : '-').padStart(9)} ${(after?.metrics ? pct(f(after.metrics)) : '-').padStart(10)}`;
    out.push(
      row('accuracy', (m) => m.accuracy),
      row('HTER', (m) => m.hter),
      row('balanced accuracy', (m) => m.balancedAccuracy),
    );
    if (before?.metrics?.ece !== undefined || after?.metrics?.ece !== undefined) {
      const cell = (m: Metrics | null | undefined, w: number) =>
        (m?.ece !== undefined ? pct(m.ece) : '-').padStart(w);
      out.push(`  ${'ECE (calibration)'.padEnd(22)} ${cell(before?.metrics, 9)} ${cell(after?.metrics, 10)}`);
    }
    const ref = (after?.metrics ?? before?.metrics)!;
    for (const pc of ref.perClass) {
      const b = before?.metrics?.perClass.find((x) => x.classId === pc.classId);
      const a = after?.metrics?.perClass.find((x) => x.classId === pc.classId);
      const name = classNames[pc.classId] ?? String(pc.classId);
      out.push(
        `  F1 ${name}`.padEnd(25) +
          `${b ? b.f1.toFixed(4) : '-'}`.padStart(9) +
          `${a ? a.f1.toFixed(4) : '-'}`.padStart(11),
      );
    }
    for (const [label, m] of [
      ['before', before?.metrics],
      ['after', after?.metrics],
    ] as const) {
      if (!m) continue;
      out.push(`  confusion (${label}; rows = true, columns = predicted):`);
      for (const row of m.confusion) out.push('    ' + row.map((v) => String(v).padStart(7)).join(''));
    }
  }
  out.push(...notes.map((n) => `Note: ${n}`));
  return out.join('\n') + '\n';
}

/** The rounds table and the stop signal (hit rate by decile as a bar per tenth of the queue). */
export function formatRounds(rounds: RoundSummary[], stop: StopSignal | null): string[] {
  if (rounds.length === 0) return [];
  const out = ['', 'Cleaning rounds   labels     flagged  reviewed  errors    kept  estimated'];
  for (const r of rounds) {
    out.push(
      `  round ${String(r.round).padEnd(9)} ${r.labels.padEnd(9)}` +
        [r.flagged, r.reviewed, r.confirmedErrors, r.kept].map((v) => String(v).padStart(9)).join('') +
        String(r.estimatedErrors ?? '-').padStart(11),
    );
  }
  if (!stop) return out;
  out.push('', `Stop signal (round ${stop.round}): ${stop.sentence}`, '  hit rate by rank decile:');
  for (const d of stop.deciles) {
    const bar = d.hitRate === null ? '' : '#'.repeat(Math.round(d.hitRate * 20));
    const figure = d.hitRate === null ? 'not reviewed' : `${pct(d.hitRate)} of ${d.reviewed}`;
    out.push(`    ranks ${`${d.fromRank}–${d.toRank}`.padEnd(13)} ${bar.padEnd(20)} ${figure}`);
  }
  return out;
}
