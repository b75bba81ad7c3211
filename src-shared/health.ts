/**
 * Dataset health beyond labels: exact and near-duplicate images and outliers, found from the content hashes
 * and the stored embeddings. Plain data only (structured clone and JSON).
 */
import type { Decision } from './domain';

/**
 * Cosine similarity at or above which two embeddings count as near-duplicates. Measured (bench/health-quality.ts,
 * MobileNetV2 on Fashion-MNIST with injected copies): 0.95 flagged 2.4 pairs per image (precision 0.01, groups of
 * hundreds); 0.98 keeps 81 % of the re-encoded/shifted/brightened copies at precision 0.55 and finds 91 % of the
 * copies with a flipped label at precision 1.
 */
export const NEAR_DUPLICATE_SIMILARITY = 0.98;
/**
 * Nearest neighbours the outlier score averages over. Chosen by bench/health-quality.ts: a group of similar
 * outliers hides its members from each other while k is not well above its size (10 noise images ranked
 * 566th–1,424th at k = 10, 1st–10th from k = 20); 30 leaves room for larger groups at the same precision.
 */
export const OUTLIER_NEIGHBOURS = 30;
/** Duplicate groups and outliers one answer lists. */
export const HEALTH_TOP = 50;
/** The share of a dataset at most that the review lists as outlier issues. */
export const OUTLIER_ISSUE_SHARE = 0.02;

/**
 * How many top outliers the review lists as issues: HEALTH_TOP, but at most OUTLIER_ISSUE_SHARE of the images
 * (at least one), so that a small dataset is not all outliers.
 */
export const outlierIssueCount = (images: number): number =>
  Math.min(HEALTH_TOP, Math.max(1, Math.ceil(images * OUTLIER_ISSUE_SHARE)));

export interface HealthImage {
  index: number;
  path: string;
  givenLabel: number;
  decision: Decision | null;
}

export interface DuplicateGroup {
  /** exact: every member has the same content hash; near: linked by embedding similarity. */
  kind: 'exact' | 'near';
  /** The lowest similarity of the pairs linking the group (1 for exact duplicates). */
  similarity: number;
  /** Members with different given labels: one of them is mislabeled, whatever the model says. */
  labelsDisagree: boolean;
  members: HealthImage[];
}

export interface Outlier extends HealthImage {
  /** 1 − mean cosine similarity to its nearest neighbours (higher: further from every other image). */
  score: number;
}

export interface DatasetHealth {
  /**
   * ok: duplicates and outliers from the embeddings; computing: the scan runs in the background (ask again);
   * unavailable: no embeddings yet, or not scanned (`message` says how to get them): exact duplicates only.
   */
  status: 'ok' | 'computing' | 'unavailable';
  message: string | null;
  /** Images scanned so far (computing) or in all. */
  progress: { done: number; total: number } | null;
  /** The embedding the similarities come from. */
  backbone: string | null;
  threshold: number;
  neighbours: number;
  /** Groups with disagreeing labels first, then the largest, then the most similar; at most HEALTH_TOP. */
  duplicateGroups: DuplicateGroup[];
  totalDuplicateGroups: number;
  /** Images in some duplicate group beyond the first of each. */
  redundantImages: number;
  /** More near-duplicate pairs passed the threshold than were kept: the groups are a lower bound. */
  pairsTruncated: boolean;
  /** Highest outlier score first. */
  outliers: Outlier[];
}
