import type { Disagreement, HoldoutDisagreements } from '../../../src-shared/evidence';
import type { Project } from '../store/project';
import { cleanedLabels } from '../workflows/training-data';

const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let c = 1; c < row.length; c++) if (row[c] > row[best]) best = c;
  return best;
};

/**
 * Held-out images on which the latest "after" model (trained on the reviewed labels) and its "before" model
 * (trained on the given labels) predict different classes, the most decided disagreements first: the sum of
 * both models' probability margins between the two predicted classes.
 */
export function holdoutDisagreements(project: Project, limit: number): HoldoutDisagreements {
  const after = project.runs.latest(['retrain']);
  const before = after?.baselineRunId ? project.runs.get(after.baselineRunId) : undefined;
  const none = (note: string) => ({ compared: 0, total: 0, items: [], note });
  if (!after || !before) return none('no before/after pair yet: press Retrain (or run `relabel retrain`)');
  const pb = project.runs.probs(before.id);
  const pa = project.runs.probs(after.id);
  if (!pb || !pa || pb.numClasses !== pa.numClasses)
    return none('the before/after runs have no stored predictions');
  const k = pa.numClasses;
  const { labels } = cleanedLabels(project);
  const n = Math.min(pa.values.length, pb.values.length) / k;
  let compared = 0;
  const found: (Disagreement & { margin: number })[] = [];
  for (let s = 0; s < n; s++) {
    const rb = pb.values.subarray(s * k, s * k + k);
    const ra = pa.values.subarray(s * k, s * k + k);
    if (Number.isNaN(rb[0]) || Number.isNaN(ra[0])) continue;
    compared++;
    const b = argmax(rb);
    const a = argmax(ra);
    if (a === b) continue;
    found.push({
      sampleIndex: s,
      label: labels[s],
      before: { runId: before.id, predicted: b, probs: Array.from(rb) },
      after: { runId: after.id, predicted: a, probs: Array.from(ra) },
      margin: ra[a] - ra[b] + (rb[b] - rb[a]),
    });
  }
  found.sort((x, y) => y.margin - x.margin || x.sampleIndex - y.sampleIndex);
  return {
    compared,
    total: found.length,
    items: found.slice(0, limit).map(({ margin: _m, ...d }) => d),
    note: null,
  };
}
