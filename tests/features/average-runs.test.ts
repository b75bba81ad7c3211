import { describe, expect, it } from 'vitest';
import { createService } from '../../src-main/core/service';
import type { Project } from '../../src-main/core/store/project';
import { averagedProbabilities, computeIssueSet } from '../../src-main/core/workflows/label-issues';
import { importLabels, makeProject } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

/** A finished run with these probabilities (n × k), as a cross-validation run stores them. */
function addRun(project: Project, k: number, probs: number[]): number {
  const id = project.runs.create('cv', { model: 'baseline' });
  project.runs.finish(id, { status: 'done', probs: { numClasses: k, values: Float32Array.from(probs) } });
  return id;
}

const labels = [0, 0, 0, 1, 1, 1, 0, 1];
// Run A is sure sample 2 is class 1 and unsure about 5; run B is sure about 5 and unsure about 2.
const a = [0.9, 0.1, 0.8, 0.2, 0.05, 0.95, 0.2, 0.8, 0.1, 0.9, 0.45, 0.55, 0.9, 0.1, 0.2, 0.8];
const b = [0.8, 0.2, 0.9, 0.1, 0.45, 0.55, 0.1, 0.9, 0.2, 0.8, 0.97, 0.03, 0.8, 0.2, 0.1, 0.9];

describe('issues on the average of several runs', () => {
  it('ranks on the element-wise mean of the runs’ probabilities and records which runs it used', async () => {
    const project = makeProject(tempDir(), labels);
    const ra = addRun(project, 2, a);
    const rb = addRun(project, 2, b);
    const avg = averagedProbabilities(project, [ra, rb]);
    avg.values.forEach((v, i) => expect(v).toBeCloseTo((a[i] + b[i]) / 2, 6));
    const set = computeIssueSet(project, {
      runIds: [ra, rb],
      filterBy: 'predicted_neq_given',
      rankedBy: 'self_confidence',
    });
    expect(set.runIds).toEqual([ra, rb]);
    expect(set.runId).toBe(ra);
    expect(project.issues.latest()!.runIds).toEqual([ra, rb]);
    const path = project.path;
    project.close();

    const service = createService({ projectPath: path, annotator: 't' });
    try {
      const page = await service.getIssues({});
      // Samples 2 and 5 are flagged by the average; each issue shows the averaged probabilities.
      expect(page.issues.map((i) => i.sampleIndex).sort()).toEqual([2, 5]);
      for (const issue of page.issues) {
        const s = issue.sampleIndex;
        expect(issue.probs[0]).toBeCloseTo((a[2 * s] + b[2 * s]) / 2, 6);
      }
      // One run alone keeps recording just that run.
      const single = await service.computeIssues({ runId: rb, filterBy: 'predicted_neq_given' });
      expect(single.runIds).toEqual([rb]);
      await expect(service.computeIssues({ runId: ra, runIds: [ra, rb] })).rejects.toThrow(
        /give runId or runIds, not both/,
      );
    } finally {
      await service.close();
    }
  });

  it('refuses runs of another dataset generation, of other classes, or listed twice', () => {
    const project = makeProject(tempDir(), labels);
    try {
      const ra = addRun(project, 2, a);
      const three = addRun(
        project,
        3,
        Array.from({ length: 24 }, () => 1 / 3),
      );
      expect(() => averagedProbabilities(project, [ra, three])).toThrow(
        `runs #${ra} (2 classes) and #${three} (3 classes) cannot be averaged: their class sets differ`,
      );
      expect(() => averagedProbabilities(project, [ra, ra])).toThrow(/list a run twice/);
      importLabels(project, labels); // a re-import: a new dataset generation
      const rb = addRun(project, 2, b);
      expect(() =>
        computeIssueSet(project, { runIds: [ra, rb], filterBy: 'both', rankedBy: 'self_confidence' }),
      ).toThrow(`run #${ra} was made before the dataset was re-imported; train again`);
    } finally {
      project.close();
    }
  });
});
