/* eslint-disable svelte/prefer-svelte-reactivity -- the index map is bookkeeping, deliberately not reactive */
import type { ApiInput, IssuePage, RelabelApi } from '../../src-shared/api';
import type { Decision, IssueSetInfo, LabelIssue } from '../../src-shared/domain';

export type IssueFilter = NonNullable<ApiInput<'getIssues'>['filter']> & {
  status: 'all' | 'decided' | 'undecided';
};

/** Whether a decision has reached the project file. */
export type SaveState = { status: 'saving' } | { status: 'saved' } | { status: 'error'; message: string };

/** One issue of the review queue as this client knows it. */
export interface ReviewItem {
  /** The issue as the server sent it; `issue.decision` is the latest saved state known here. */
  issue: LabelIssue;
  /** The decision event `issue.decision` comes from (0: as loaded): a later event always wins. */
  version: number;
  /** A local change not confirmed yet, shown instead of the saved state (null: undone locally). */
  pending?: Decision | null;
  /** Local changes of this sample on their way to the server. */
  inFlight: number;
  save?: SaveState;
  /** Another session has this issue on screen (until the claim expires). */
  claim: { annotator: string; claimId: string; until: number } | null;
}

/** The decision the review shows for an item: the local one while it is being saved, else the saved one. */
export function shownDecision(item: ReviewItem): Decision | null {
  return item.pending !== undefined ? item.pending : item.issue.decision;
}

export const PAGE_SIZE = 50;

/** How long another session's claim counts here without news of it (the server lets claims lapse after 45 s). */
export const CLAIM_TTL_MS = 45_000;

/**
 * The issues of one filter over one issue set, in rank order, loaded page by page from the start. Pages after
 * the first are asked for by rank (`afterRank`), never by offset: with a status filter the server's list
 * shrinks as issues get decided, and an offset would skip or repeat issues. Items never leave the list while it
 * is shown: an issue decided here stays, marked decided.
 */
export class IssueList {
  items = $state<ReviewItem[]>([]);
  /** How many issues matched the filter when the list was loaded. */
  total = $state(0);
  set = $state<IssueSetInfo | null>(null);
  /** Every matching issue is loaded. */
  complete = $state(false);
  /** For duplicates and outliers: whether the embedding scan behind them is done (see IssuePage.health). */
  health = $state<IssuePage['health']>(null);

  private bySample = new Map<number, ReviewItem>();
  private more: Promise<void> | null = null;
  private query: { setId?: number; filter: IssueFilter } = { filter: { status: 'all' } };
  private epoch = 0;

  constructor(
    private readonly api: Pick<RelabelApi, 'getIssues'>,
    private readonly session: string,
    /** This review's annotator: an issue open in another tab of the same person steers nothing. */
    private readonly annotator: () => string = () => '',
  ) {}

  /** Loads the first page of a query, replacing the list. */
  async load(query: { setId?: number; filter: IssueFilter }): Promise<void> {
    const epoch = ++this.epoch;
    this.more = null;
    const page = await this.api.getIssues({
      setId: query.setId,
      filter: query.filter,
      limit: PAGE_SIZE,
      session: this.session,
    });
    if (epoch !== this.epoch) return;
    this.query = query;
    this.set = page.set;
    this.total = page.total;
    this.health = page.health;
    this.items = [];
    this.bySample.clear();
    this.append(page.issues);
    this.complete = page.issues.length < PAGE_SIZE || this.items.length >= page.total;
  }

  /** Loads the next page (one request at a time; concurrent callers share it). */
  loadMore(): Promise<void> {
    if (this.complete) return Promise.resolve();
    if (this.more) return this.more;
    const epoch = this.epoch;
    const afterRank = this.items.at(-1)?.issue.rank ?? 0;
    const more = this.api
      .getIssues({
        setId: this.query.setId ?? this.set?.id,
        filter: this.query.filter,
        afterRank,
        limit: PAGE_SIZE,
        session: this.session,
      })
      .then((page) => {
        if (epoch !== this.epoch) return;
        this.append(page.issues);
        if (page.issues.length < PAGE_SIZE) this.complete = true;
        // The list only grows; the count matched at load time is a floor for what may still come.
        this.total = Math.max(this.items.length, this.complete ? this.items.length : this.total);
      })
      .finally(() => {
        if (this.more === more) this.more = null;
      });
    this.more = more;
    return more;
  }

  /** Makes sure position `pos` is loaded (or the list is complete); resolves to whether it exists. */
  async ensure(pos: number): Promise<boolean> {
    while (pos >= this.items.length && !this.complete) await this.loadMore();
    return pos < this.items.length;
  }

  /** Loads pages until the issue of rank `rank` would be loaded (if it matches the filter) or none is left. */
  async ensureRank(rank: number): Promise<void> {
    while (!this.complete && this.lastRank < rank) await this.loadMore();
  }

  /** The rank of the last loaded issue (0 when none). */
  get lastRank(): number {
    return this.items.at(-1)?.issue.rank ?? 0;
  }

  find(sampleIndex: number): ReviewItem | undefined {
    return this.bySample.get(sampleIndex);
  }

  positionOf(sampleIndex: number): number {
    const item = this.bySample.get(sampleIndex);
    return item ? this.items.indexOf(item) : -1;
  }

  private append(issues: LabelIssue[]): void {
    for (const issue of issues) {
      if (this.bySample.has(issue.sampleIndex)) continue;
      this.items.push({
        issue,
        version: issue.decision?.eventId ?? 0,
        inFlight: 0,
        claim:
          issue.claimedBy && issue.claimedBy !== this.annotator()
            ? { annotator: issue.claimedBy, claimId: '', until: Date.now() + CLAIM_TTL_MS }
            : null,
      });
      // Keep the reactive proxy: changes made through it update the view.
      this.bySample.set(issue.sampleIndex, this.items[this.items.length - 1]);
    }
  }
}
