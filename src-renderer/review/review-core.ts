import type { RelabelApi, ReviewCounts } from '../../src-shared/api';
import type { ClaimKeeper, Timers } from './claim-keeper';
import type { DecisionCommand } from './decisions';
import type { ReviewIdentity } from './identity';
import type { IssueFilter, IssueList, ReviewItem } from './issue-list.svelte';
import type { SavedState } from './saved-state';

/** What the review needs from the world; tests pass fakes. */
export interface ReviewDeps {
  api: Pick<
    RelabelApi,
    'getIssues' | 'decide' | 'acceptSuggestions' | 'previewAccept' | 'undo' | 'redo' | 'claimIssue'
  >;
  identity: ReviewIdentity;
  notify(message: string, kind?: 'info' | 'success' | 'error'): void;
  /** Every answer and event brings the review counts; the app keeps the newest. */
  onCounts(counts: ReviewCounts): void;
  /** Warms the cache with an image the review will show soon. */
  preloadImage?(sampleIndex: number): void;
  newRequestId?(): string;
  timers?: Timers;
  now?(): number;
}

/** A user command the review applies in order, each to what is on screen when its turn comes. */
export type ReviewInput =
  | { type: 'decide'; cmd: DecisionCommand }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'goto'; pos: number };

/** A question the page must put to the user before the review goes on. */
export interface ReviewQuestion {
  title: string;
  message: string;
  confirmLabel: string;
  answer(yes: boolean): void;
}

/** What the review's parts (changes, saved state) use of the review state: its seams, not its fields. */
export interface ReviewCore {
  readonly deps: ReviewDeps;
  readonly list: IssueList;
  readonly claims: ClaimKeeper;
  readonly saved: SavedState;
  current(): ReviewItem | null;
  position(): number;
  filter(): IssueFilter;
  setPos(i: number): void;
  /** Opens the first undecided issue at or after `from` (see ReviewState). */
  advanceFrom(from: number): void;
  setAllDone(done: boolean): void;
  /** Makes the commands that follow wait for `p`. */
  block(p: Promise<unknown>): void;
  /** Asks the user; the commands that follow wait for the answer. */
  ask(title: string, message: string, confirmLabel: string, onYes: () => void): void;
  /** The change the status line reports. */
  noteLast(items: ReviewItem[]): void;
  requestId(): string;
}

export const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
export const codeOf = (e: unknown) => (e as { code?: unknown } | null)?.code;
