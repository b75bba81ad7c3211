import { DEFAULT_RANKED_BY, type IssueSetInfo } from '../../../src-shared/domain';
import type { CvOverrides } from '../../../src-shared/train-config';
import type { BackboneSpec } from '../features/backbone-spec';
import type { Project } from '../store/project';
import { runCrossValidation, type RunCallbacks } from './cross-validation-run';
import { computeIssueSet } from './label-issues';

/**
 * What "Train" means for a user, on the Train page and in `relabel train` alike: K-fold cross-validation for
 * out-of-fold probabilities (on the reviewed labels once decisions exist), then confident learning with the
 * default method for its class count ranks the label issues, which become the review queue of the next cleaning round.
 */
export async function trainAndRankIssues(
  project: Project,
  config: CvOverrides,
  cb: RunCallbacks & {
    resumeRunId?: number;
    onRunFinished?: (runId: number) => void;
    backbone?: Partial<BackboneSpec>;
  } = {},
): Promise<{ runId: number; issueSet: IssueSetInfo }> {
  const runId = await runCrossValidation(project, config, cb);
  cb.onRunFinished?.(runId);
  const issueSet = computeIssueSet(project, {
    runId,
    rankedBy: DEFAULT_RANKED_BY,
  });
  return { runId, issueSet };
}
