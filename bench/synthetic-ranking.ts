/**
 * A finished cross-validation run and its issue set for the synthetic two-class projects of the serving
 * benchmarks (bench/server-lag.ts, bench/ui.ts): every (n / nIssues)-th image is an issue with a low
 * probability of its given label, the others agree with theirs.
 */
import type { Project } from '../src-main/core/store/project';

export function addSyntheticRanking(project: Project, n: number, nIssues: number, rand: () => number): void {
  const runId = project.runs.create('cv', { model: 'bench', folds: 5, seed: 42 });
  const values = new Float32Array(n * 2);
  const stride = n / nIssues;
  const issues = [];
  for (let i = 0; i < n; i++) {
    const given = i % 2;
    const isIssue = i % stride === 0;
    const pGiven = isIssue ? rand() * 0.4 : 0.6 + rand() * 0.4;
    values[i * 2 + given] = pGiven;
    values[i * 2 + (1 - given)] = 1 - pGiven;
    if (isIssue) {
      issues.push({
        sampleIndex: i,
        path: `idx:${i}`,
        givenLabel: given,
        suggestedLabel: 1 - given,
        quality: pGiven,
      });
    }
  }
  issues.sort((a, b) => a.quality - b.quality);
  project.runs.finish(runId, { status: 'done', probs: { numClasses: 2, values } });
  project.issues.save(runId, 'prune_by_noise_rate', 'self_confidence', issues);
}
