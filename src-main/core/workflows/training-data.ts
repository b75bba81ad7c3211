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

/** The project's pixels and given labels in the shape the training engine takes. */
export function loadTrainingData(project: Project): TrainingData {
  const px = project.readPixels();
  return {
    pixels: px.pixels,
    n: px.n,
    height: px.height,
    width: px.width,
    channels: px.channels,
    labels: project.getGivenLabels(),
    numClasses: numClassesOf(project),
  };
}

/** The given labels and class count without the pixels (for models that never read them in this process). */
export function trainingLabels(project: Project): Pick<TrainingData, 'labels' | 'numClasses' | 'n'> {
  const labels = project.getGivenLabels();
  const numClasses = project.getClasses().reduce((m, c) => Math.max(m, c.id + 1), 0);
  return { labels, numClasses, n: labels.length };
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
