import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src-main/cli/index';
import { createService } from '../../src-main/core/service';
import { relabel } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';

/**
 * The whole product path through the real CLI: demo data with known noise → import → K-fold training
 * (wasm, 2 workers) → ranked issues → decisions → export → re-import of the export.
 */
describe('relabel CLI pipeline', () => {
  it('demo → import → train → issues → decide → export → re-import round trip', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const project = join(dir, 'p.relabel');

    const demo = relabel([
      'demo',
      data,
      '--count',
      '300',
      '--size',
      '32',
      '--noise',
      '0.1',
      '--seed',
      '3',
      '--source',
      'procedural',
    ]);
    expect(demo.code, demo.stderr).toBe(0);
    const labels = readFileSync(join(data, 'label_train.txt'), 'utf8').trim().split('\n').map(Number);
    expect(labels).toHaveLength(300);

    const imp = relabel([
      'import',
      join(data, 'train_img'),
      '--labels',
      join(data, 'label_train.txt'),
      '--project',
      project,
    ]);
    expect(imp.code, imp.stderr).toBe(0);
    const info = JSON.parse(relabel(['info', '--project', project, '--json']).stdout);
    expect(info.dataset.numSamples).toBe(300);
    expect(info.classCounts.reduce((a: number, b: number) => a + b)).toBe(300);

    const train = relabel([
      'train',
      '--project',
      project,
      '--folds',
      '3',
      '--epochs',
      '6',
      '--backend',
      'wasm',
      '--workers',
      '2',
    ]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/wasm backend/);
    expect(train.stdout).toMatch(/Run #1 done on wasm/);
    // Training says that its issues became the review queue, and how well calibrated its probabilities are.
    expect(train.stdout).toContain('Issue set #1 is the review queue.');
    expect(train.stdout).toMatch(/, ECE 0\.\d{4} \(vs given labels\)/);

    const issuesCsv = join(dir, 'issues.csv');
    const issues = relabel(['issues', '--project', project, '--out', issuesCsv]);
    expect(issues.code, issues.stderr).toBe(0);
    expect(issues.stdout).toContain(
      'Issue set #2 is now the review queue; the 1 earlier issue set and every decision stay available',
    );
    const rows = readFileSync(issuesCsv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe(
      'rank,index,file,given_label,suggested_label,label_quality,issue_types,duplicate_of',
    );
    expect(rows.length).toBeGreaterThan(1);
    const first = rows[1].split(',');
    expect(first[0]).toBe('1');
    expect(first[2]).toMatch(/^\d{6}\.jpg$/);

    // Decide through the public API, as the review app does.
    const service = createService({ projectPath: project, annotator: 'tester' });
    const page = await service.getIssues({ limit: 3 });
    expect(page.issues.length).toBeGreaterThan(0);
    const [a, b] = page.issues;
    await service.decide({ sampleIndices: [a.sampleIndex], action: 'relabel', newLabel: 1 - a.givenLabel });
    if (b) await service.decide({ sampleIndices: [b.sampleIndex], action: 'exclude' });
    await service.close();

    const out = join(dir, 'export');
    const exp = relabel(['export', '--project', project, '--out', out]);
    expect(exp.code, exp.stderr).toBe(0);
    const exported = readFileSync(join(out, 'label_train.txt'), 'utf8').trim().split('\n').map(Number);
    expect(exported).toHaveLength(300);
    expect(exported[a.sampleIndex]).toBe(1 - a.givenLabel);
    exported.forEach((l, i) => {
      if (i !== a.sampleIndex) expect(l).toBe(labels[i]);
    });
    if (b) expect(readFileSync(join(out, 'excluded.txt'), 'utf8')).toBe(`${b.path}\n`);

    // Round trip: importing the export gives exactly the decided labels.
    const project2 = join(dir, 'p2.relabel');
    const re = relabel([
      'import',
      join(data, 'train_img'),
      '--labels',
      join(out, 'label_train.txt'),
      '--project',
      project2,
    ]);
    expect(re.code, re.stderr).toBe(0);
    const reInfo = JSON.parse(relabel(['info', '--project', project2, '--json']).stdout);
    expect(reInfo.classCounts).toEqual([0, 1].map((c) => exported.filter((l) => l === c).length));

    const report = JSON.parse(relabel(['report', '--project', project, '--json']).stdout);
    expect(report.crossValidation.metrics.n).toBe(300);
    expect(report.crossValidation.metrics.ece).toBeGreaterThanOrEqual(0);
    expect(report.crossValidation.metrics.ece).toBeLessThan(1);
    const text = relabel(['report', '--project', project]).stdout;
    expect(text).toMatch(/accuracy [\d.]+%, HTER [\d.]+%, ECE [\d.]+% \(mean confidence [\d.]+%\)/);
    expect(report.decisions).toEqual({ keep: 0, relabel: 1, exclude: b ? 1 : 0 });
  }, 600_000);

  it('fails with one clear line naming the file for bad input', () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    expect(relabel(['demo', data, '--count', '40', '--size', '16', '--source', 'procedural']).code).toBe(0);
    const bad = join(dir, 'labels.txt');
    writeFileSync(bad, '0\n1\n');
    const r = relabel([
      'import',
      join(data, 'train_img'),
      '--labels',
      bad,
      '--project',
      join(dir, 'x.relabel'),
    ]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^relabel: .*labels\.txt/);
    expect(relabel(['info', '--project', join(dir, 'missing.relabel')]).stderr).toMatch(
      /^relabel: project .* does not exist/,
    );
    expect(relabel(['train', '--project', join(dir, 'x.relabel'), '--folds', 'x']).code).not.toBe(0);
  });

  it('prints help for every command', () => {
    const top = relabel(['--help']);
    expect(top.code).toBe(0);
    const commands = [
      'demo',
      'import',
      'info',
      'train',
      'issues',
      'find-issues',
      'import-probs',
      'serve',
      'retrain',
      'report',
      'export',
      'doctor',
    ];
    for (const c of commands) expect(top.stdout).toContain(c);
    expect(relabel(['train', '--help']).stdout).toMatch(/Usage: relabel train/);
    // The rest in-process: the same commander program, without a process start per command.
    const program = buildProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual([...commands].sort());
    for (const c of program.commands)
      expect(c.helpInformation()).toMatch(new RegExp(`Usage: relabel ${c.name()}`));
  });
});
