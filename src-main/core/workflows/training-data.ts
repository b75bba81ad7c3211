import type { TrainingLabels } from '../../../src-shared/domain';
import type { TrainingData } from '../train';
import type { DatasetShape } from '../train/config';
import type { Project } from '../store/project';

/** Number of classes of the project's dataset (highest class id + 1). */
export const numClassesOf = (project: Project): number =>
  project.getClasses().reduce((m, c) => Math.max(m, c.id + 1), 0);

/** The dataset facts the training defaults depend on; undefined before the first import. */
export function datasetShapeOf(project: Project): DatasetShape | undefined {
  return project.getDatasetInfo() ? { numClasses: numClassesOf(project) } : undefined;
}

/** The project's pixels and labels (the given ones unless others are passed) in the shape the engine takes. */
export function loadTrainingData(
  project: Project,
  labels: Int32Array = project.getGivenLabels(),
): TrainingData {
  const px = project.readPixels();
  return {
    pixels: px.pixels,
    n: px.n,
    height: px.height,
    width: px.width,
    channels: px.channels,
    labels,
    numClasses: numClassesOf(project),
  };
}

/** The labels (the given ones unless others are passed) and class count without the pixels (for models that
 * never read them in this process). */
export function trainingLabels(
  project: Project,
  labels: Int32Array = project.getGivenLabels(),
): Pick<TrainingData, 'labels' | 'numClasses' | 'n'> {
  return { labels, numClasses: numClassesOf(project), n: labels.length };
}

/** The labels a cross-validation run trains on when not told: the reviewed ones once any decision exists. */
export function defaultTrainingLabels(project: Project): TrainingLabels {
  const c = project.decisions.counts();
  return c.keep + c.relabel + c.exclude > 0 ? 'reviewed' : 'given';
}

/**
 * The labels of every sample (by index, in sample order) and the indices a run trains on: the readable images;
 * with `reviewed`, relabels applied and excluded images left out.
 */
export function labelsForTraining(
  project: Project,
  which: TrainingLabels,
): { labels: Int32Array; include: Int32Array; relabeled: number; excluded: number } {
  const usable = usableIndices(project);
  if (which === 'given')
    return { labels: project.getGivenLabels(), include: usable, relabeled: 0, excluded: 0 };
  const given = project.getGivenLabels();
  const { labels, excluded } = cleanedLabels(project);
  const include = usable.filter((s) => !excluded.has(s));
  let relabeled = 0;
  for (const s of include) if (labels[s] !== given[s]) relabeled++;
  return { labels, include, relabeled, excluded: usable.length - include.length };
}

/**
 * Indices of samples whose image could be decoded. An import with onBadImage 'skip' keeps unreadable images
 * at their index (width 0) so label lines stay aligned; training and issue finding leave them out.
 */
export function usableIndices(project: Project): Int32Array {
  return Int32Array.from(
    project.getSamples().filter((s) => s.width > 0),
    (s) => s.index,
  );
}

/**
 * Labels after the human decisions: relabel → new label, keep/undecided → given label.
 * Excluded samples are listed separately so callers can leave them out.
 */
export function cleanedLabels(project: Project): {
  labels: Int32Array;
  excluded: Set<number>;
  decided: Set<number>;
} {
  const labels = project.getGivenLabels();
  const excluded = new Set<number>();
  const decided = new Set<number>();
  for (const d of project.decisions.current()) {
    decided.add(d.sampleIndex);
    if (d.action === 'exclude') excluded.add(d.sampleIndex);
    else if (d.finalLabel !== null) labels[d.sampleIndex] = d.finalLabel;
  }
  return { labels, excluded, decided };
}
