import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createService } from '../../src-main/core/service';
import { relabel, relabelAsync } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';

/** A second cleaning round through the real CLI: train, review a few issues, train on the reviewed labels. */
describe('relabel train --labels', () => {
  it('round 2 trains on the reviewed labels and never re-queues a decided image', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const project = join(dir, 'p.relabel');
    const N = 120;
    const demo = relabel(['demo', data, '--count', String(N), '--size', '16', '--noise', '0.15']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(
      relabel([
        'import',
        join(data, 'train_img'),
        '--labels',
        join(data, 'label_train.txt'),
        '--project',
        project,
      ]).code,
    ).toBe(0);
    const fast = ['--folds', '2', '--epochs', '1', '--backend', 'wasm', '--workers', '2'];

    const bad = relabel(['train', '--project', project, '--labels', 'cleaned', ...fast]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--labels must be one of given, reviewed, got "cleaned"/);

    const first = await relabelAsync(['train', '--project', project, ...fast]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/trained on the given labels/);
    expect(first.stdout).toMatch(/Round 1: \d+ label issues/);

    const service = createService({ projectPath: project, annotator: 'tester' });
    const page = await service.getIssues({ limit: 3 });
    expect(page.issues.length).toBe(3);
    const [a, b, c] = page.issues;
    await service.decide({ sampleIndices: [a.sampleIndex], action: 'relabel', newLabel: a.suggestedLabel });
    await service.decide({ sampleIndices: [b.sampleIndex], action: 'exclude' });
    await service.decide({ sampleIndices: [c.sampleIndex], action: 'keep' });
    await service.close();

    const second = await relabelAsync(['train', '--project', project, '--labels', 'reviewed', ...fast]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/trained on the reviewed labels/);
    expect(second.stdout).toMatch(/Round 2: \d+ label issues/);

    const after = createService({ projectPath: project, annotator: 'tester' });
    const runs = await after.listRuns({});
    const run2 = runs.find((r) => r.id === 2)!;
    expect(run2.config.labels).toBe('reviewed');
    expect(run2.metrics!.n).toBe(N - 1); // the excluded image is left out
    expect(run2.notes[0]).toMatch(/reviewed labels \(1 relabelled, 1 excluded/);
    const queue = await after.getIssues({ limit: 1000 });
    expect(queue.set).toMatchObject({ round: 2, labels: 'reviewed' });
    const queued = queue.issues.map((i) => i.sampleIndex);
    for (const decided of [a, b, c]) expect(queued).not.toContain(decided.sampleIndex);
    expect(queue.issues.every((i) => i.decision === null)).toBe(true);
    const info = await after.projectInfo({});
    expect(info.rounds.map((r) => [r.round, r.labels, r.reviewed, r.confirmedErrors, r.kept])).toEqual([
      [1, 'given', 3, 2, 1],
      [2, 'reviewed', 0, 0, 0],
    ]);
    const signal = await after.stopSignal({});
    expect(signal).toMatchObject({ round: 2, reviewed: 0, verdict: 'not-started' });
    await after.close();

    const report = relabel(['report', '--project', project]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/out-of-fold vs reviewed labels/);
    expect(report.stdout).toMatch(/Cleaning rounds/);
    expect(report.stdout).toMatch(/round 1 +given +\d+ +3 +2 +1/);
    expect(report.stdout).toMatch(/Stop signal \(round 2\): Round 2: none of the \d+ issues reviewed yet/);
    const json = JSON.parse(relabel(['report', '--project', project, '--json']).stdout);
    expect(json.rounds).toHaveLength(2);
    expect(json.stopSignal.round).toBe(2);
  }, 600_000);
});
