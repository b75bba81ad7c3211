import type { Command } from 'commander';
import { runDoctor, type Check, type CheckStatus, type DoctorReport } from '../../core/system/doctor';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', info: '·' };

/** One line per check: mark, title, what was found, and the fix when something is missing. */
export function formatCheck(c: Check): string {
  const fix = c.fixes.length ? ` — fix: ${c.fixes.join('; then ')}` : '';
  return `${MARK[c.status]} ${c.title.padEnd(26)} ${c.detail}${fix}`;
}

export function formatReport(r: DoctorReport): string {
  return [...r.checks.map(formatCheck), '', r.summary, ''].join('\n');
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check what will run here (Node, SQLite, Electron, training backends, GPU) and how to fix the rest',
    )
    .option('--json', 'machine-readable report')
    .action((opts: { json?: boolean }) => {
      const report = runDoctor();
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      // Exit 1 only when the main job cannot run at all; missing optional pieces are warnings.
      if (!report.ok) throw new Error('the main job cannot run here: see the failed (✗) checks');
    });
}
