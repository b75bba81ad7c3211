import type { Project } from '../store/project';
import { ProjectError } from '../store/errors';
import { readPredProbsCsv } from '../clean';

/**
 * Stores out-of-fold probabilities computed elsewhere (e.g. on a GPU cluster) as an `imported` run, after
 * checking they describe this dataset: one row per image, in label_train.txt order, with the same labels.
 */
export function importProbabilities(project: Project, csvPath: string): number {
  project.requireDataset();
  const { labels, probs, n, K } = readPredProbsCsv(csvPath);
  const given = project.getGivenLabels();
  if (n !== given.length) {
    throw new ProjectError(
      `${csvPath}: ${n} rows of probabilities, but the project has ${given.length} images`,
    );
  }
  const numClasses = project.getClasses().reduce((m, c) => Math.max(m, c.id + 1), 0);
  if (K !== numClasses) {
    throw new ProjectError(`${csvPath}: ${K} probability columns, but the project has ${numClasses} classes`);
  }
  for (let i = 0; i < n; i++) {
    if (labels[i] !== given[i]) {
      throw new ProjectError(
        `${csvPath}: data row ${i + 1} has label ${labels[i]}, but image ${i} (${project.getSample(i)?.path}) has given label ${given[i]}; rows must follow label_train.txt order`,
      );
    }
  }
  const runId = project.runs.create('imported', { source: csvPath });
  project.runs.finish(runId, {
    status: 'done',
    notes: [`out-of-fold probabilities imported from ${csvPath}`],
    probs: { numClasses, values: Float32Array.from(probs) },
  });
  return runId;
}
