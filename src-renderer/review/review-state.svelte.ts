/* eslint-disable svelte/prefer-svelte-reactivity -- the sets here are bookkeeping, deliberately not reactive */
import type { AcceptPreview, ApiEvent } from '../../src-shared/api';
import { ClaimKeeper, realTimers } from './claim-keeper';
import { DecisionQueue, type QueuedOp } from './decision-queue';
import { intentFor, type DecisionCommand, type DecisionIntent } from './decisions';
import {
  CLAIM_TTL_MS,
  IssueList,
  shownDecision,
  type IssueFilter,
  type ReviewItem,
} from './issue-list.svelte';
import {
  messageOf,
  type ReviewCore,
  type ReviewDeps,
  type ReviewInput,
  type ReviewQuestion,
} from './review-core';
import { ReviewChanges } from './review-changes';
import { SavedState } from './saved-state';
import { UndoMirror } from './undo-mirror';

export {
  PAGE_SIZE,
  shownDecision,
  type IssueFilter,
  type ReviewItem,
  type SaveState,
} from './issue-list.svelte';
export type { ReviewDeps, ReviewInput, ReviewQuestion } from './review-core';

/** Prefetch the next page when the position comes this close to the end of what is loaded. */
const PREFETCH_MARGIN = 25;

/**
 * The review queue and everything the user does in it.
 *
 * Commands (keys, buttons) are applied strictly in order, each to the issue on screen when its turn comes; when
 * the screen is in transition (the next page loading, an undo only the server can resolve, a question to the
 * user) the commands that follow wait for it, so a fast typist's keys never land on the wrong issue. Decisions
 * are shown at once and saved through one queue (DecisionQueue), in order; what the server saved, and what
 * other clients change, arrives with event ids, so the newest state of each sample wins whatever order answers
 * and events arrive in. Ctrl+Z shows the undone issue at once from this session's mirrored undo stack.
 */
export class ReviewState {
  readonly list: IssueList;
  filter = $state<IssueFilter>({ status: 'all' });
  /** The issue set under review; undefined: the latest (the review queue). */
  setId = $state<number | undefined>(undefined);
  pos = $state(0);
  loading = $state(true);
  loadError = $state<string | null>(null);
  /** Set when a decision found no undecided issue after it. */
  allDone = $state(false);
  /** The latest change and which sample its save state belongs to, for the status line. */
  lastSave = $state<{ sampleIndex: number; rank: number; what: string } | null>(null);
  /** Ops queued or in flight (saves not yet in the project file). */
  pendingSaves = $state(0);
  /** Commands wait or the screen is in transition (a page loading, an answer only the server has). */
  settling = $state(false);
  question = $state<ReviewQuestion | null>(null);

  readonly current = $derived.by<ReviewItem | null>(() => this.list.items[this.pos] ?? null);

  private readonly queue: DecisionQueue;
  private readonly claims: ClaimKeeper;
  private readonly savedState: SavedState;
  private readonly changes: ReviewChanges;
  private readonly inputs: ReviewInput[] = [];
  private blocker: Promise<unknown> | null = null;
  private draining = false;
  private readonly preloaded = new Set<number>();
  private disposed = false;

  constructor(private readonly deps: ReviewDeps) {
    this.list = new IssueList(deps.api, deps.identity.session, () => deps.identity.annotator);
    this.queue = new DecisionQueue(deps.api, (n) => (this.pendingSaves = n));
    const mirror = new UndoMirror();
    this.savedState = new SavedState(this.list, mirror);
    this.claims = new ClaimKeeper(
      deps.api,
      deps.identity,
      (sampleIndex, annotator) => {
        const item = this.list.find(sampleIndex);
        if (item) item.claim = { annotator, claimId: '', until: this.now() + CLAIM_TTL_MS };
      },
      deps.timers ?? realTimers,
    );
    this.changes = new ReviewChanges(this.core(), this.queue, mirror);
  }

  /** The seams the review's parts use. */
  private core(): ReviewCore {
    return {
      deps: this.deps,
      list: this.list,
      claims: this.claims,
      saved: this.savedState,
      current: () => this.current,
      position: () => this.pos,
      filter: () => this.filter,
      setPos: (i) => this.setPos(i),
      advanceFrom: (from) => this.advanceFrom(from),
      setAllDone: (done) => (this.allDone = done),
      block: (p) => this.block(p),
      ask: (title, message, confirmLabel, onYes) => this.ask(title, message, confirmLabel, onYes),
      noteLast: (items) => this.noteLast(items),
      requestId: () => this.requestId(),
    };
  }

  // ---- loading -------------------------------------------------------------------------------------

  /** Loads the filter's first page and opens `keepSample` if it is there, else the first undecided issue. */
  async reload(keepSample?: number): Promise<void> {
    this.loading = true;
    this.loadError = null;
    this.allDone = false;
    const done = this.list.load({ setId: this.setId, filter: this.filter }).then(
      () => {
        this.loading = false;
        const keep = keepSample === undefined ? -1 : this.list.positionOf(keepSample);
        if (keep >= 0) this.setPos(keep);
        else this.advanceFrom(0);
      },
      (e: unknown) => {
        this.loading = false;
        this.loadError = messageOf(e);
      },
    );
    // Keys pressed while the list loads apply to what it opens.
    this.block(done);
    await done;
    await this.idle();
  }

  setFilter(filter: IssueFilter): void {
    this.filter = filter;
    void this.reload(this.current?.issue.sampleIndex);
  }

  setIssueSet(setId: number | undefined): void {
    this.setId = setId;
    void this.reload();
  }

  // ---- commands ------------------------------------------------------------------------------------

  /** Applies a command after every command before it; at once when nothing is pending. */
  dispatch(input: ReviewInput): void {
    this.inputs.push(input);
    this.settling = true;
    void this.drain();
  }

  /** Resolves once every dispatched command has been applied (not saved: see `saved`). */
  async idle(): Promise<void> {
    while (this.draining || this.blocker || this.inputs.length) {
      await (this.blocker ?? Promise.resolve()).catch(() => undefined);
      await Promise.resolve();
    }
  }

  /** Resolves once every queued change has been answered by the server. */
  async saved(): Promise<void> {
    await this.idle();
    while (this.pendingSaves > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.inputs.length > 0 && !this.disposed) {
        while (this.blocker) {
          const b = this.blocker;
          await b.catch(() => undefined);
          if (this.blocker === b) this.blocker = null;
        }
        const input = this.inputs.shift();
        if (input) this.apply(input);
      }
    } finally {
      this.draining = false;
      this.settling = this.inputs.length > 0 || this.blocker !== null;
    }
  }

  /** Makes the commands that follow wait for `p` (a page load, a server-only undo, a question). */
  private block(p: Promise<unknown>): void {
    const previous = this.blocker;
    const chained = previous ? previous.catch(() => undefined).then(() => p) : p;
    this.blocker = chained;
    this.settling = true;
    void chained
      .catch(() => undefined)
      .then(() => {
        if (this.blocker !== chained) return;
        this.blocker = null;
        this.settling = this.draining || this.inputs.length > 0;
      });
  }

  private apply(input: ReviewInput): void {
    switch (input.type) {
      case 'decide':
        return this.decideCurrent(input.cmd);
      case 'undo':
        return this.changes.undo();
      case 'redo':
        return this.changes.redo();
      case 'next':
        return this.move(this.pos + 1);
      case 'prev':
        return this.move(this.pos - 1);
      case 'goto':
        return this.move(input.pos);
    }
  }

  // ---- navigation ----------------------------------------------------------------------------------

  private move(target: number): void {
    if (target < 0) return;
    if (target < this.list.items.length) return this.setPos(target);
    if (this.list.complete) return;
    this.block(this.list.ensure(target).then((ok) => ok && this.setPos(target)));
  }

  private setPos(i: number): void {
    this.pos = i;
    this.claims.focus(this.list.items[i]?.issue.sampleIndex ?? null);
    if (this.list.items.length - i <= PREFETCH_MARGIN && !this.list.complete) {
      void this.list
        .loadMore()
        .catch((e: unknown) => this.deps.notify(`Could not load issues: ${messageOf(e)}`, 'error'));
    }
    this.preloadAfter(i);
  }

  /**
   * Opens the first undecided issue at or after `from` no one else has on screen, loading pages as needed
   * (`scanFrom`: where the search goes on after a page came). With none left it stays where it is, or opens the
   * first issue when it was looking from the start.
   */
  private advanceFrom(from: number, scanFrom = from): void {
    const now = this.now();
    for (let i = Math.max(0, scanFrom); i < this.list.items.length; i++) {
      const item = this.list.items[i];
      if (shownDecision(item) === null && !(item.claim && item.claim.until > now)) {
        this.allDone = false;
        return this.setPos(i);
      }
    }
    if (!this.list.complete) {
      const loaded = this.list.items.length;
      this.block(this.list.loadMore().then(() => this.advanceFrom(from, Math.max(scanFrom, loaded))));
      return;
    }
    this.allDone = true;
    const n = this.list.items.length;
    if (n > 0 && (from === 0 || this.pos >= n)) this.setPos(from === 0 ? 0 : n - 1);
  }

  /** Warms the browser cache with the next few images, so paging is instant. */
  private preloadAfter(pos: number): void {
    if (!this.deps.preloadImage) return;
    let warmed = 0;
    for (let i = pos + 1; i < this.list.items.length && warmed < 3; i++) {
      const item = this.list.items[i];
      if (shownDecision(item) !== null && warmed > 0) continue;
      warmed++;
      if (this.preloaded.has(item.issue.sampleIndex)) continue;
      this.preloaded.add(item.issue.sampleIndex);
      this.deps.preloadImage(item.issue.sampleIndex);
    }
    if (this.preloaded.size > 500) this.preloaded.clear();
  }

  // ---- decisions -----------------------------------------------------------------------------------

  private decideCurrent(cmd: DecisionCommand): void {
    const item = this.current;
    if (!item || !this.writable()) return;
    const intent = intentFor(item.issue, cmd);
    const other = this.decidedByOther([item]);
    if (other) {
      this.ask(
        'Overwrite a decision',
        `${item.issue.path} was decided by ${other} (${shownDecision(item)!.action}). Replace it with your decision?`,
        'Overwrite',
        () => this.changes.record([item], intent, { overwrite: true, advance: true }),
      );
      return;
    }
    this.changes.record([item], intent, { overwrite: false, advance: true });
  }

  /** One bulk command for several issues: one call, one batch, one undo step. */
  decideMany(items: ReviewItem[], cmd: DecisionCommand): void {
    if (items.length === 0 || !this.writable()) return;
    const go = (overwrite: boolean) => {
      if (cmd.type === 'accept') return this.changes.acceptSelected(items);
      const intent: DecisionIntent =
        cmd.type === 'setClass'
          ? { action: 'relabel', newLabel: cmd.classId }
          : intentFor(items[0].issue, cmd);
      this.changes.record(items, intent, { overwrite, advance: false });
    };
    const other = this.decidedByOther(items);
    if (!other) return go(false);
    this.ask(
      'Overwrite decisions',
      `Some of these ${items.length} issues were decided by ${other}. Replace their decisions too?`,
      'Overwrite',
      () => go(true),
    );
  }

  /** How many issues "accept every suggestion ≤ score" would change, for its confirmation. */
  previewAcceptAll(maxQuality: number): Promise<AcceptPreview> {
    return this.changes.previewAcceptAll(maxQuality);
  }

  /** Accepts every suggestion of the filter up to a score, as one batch; decided issues only when asked to. */
  acceptAll(maxQuality: number, includeDecided: boolean): Promise<number> {
    if (!this.writable()) return Promise.resolve(0);
    return this.changes.acceptAll(maxQuality, includeDecided);
  }

  // ---- events from the server -------------------------------------------------------------------

  onEvent(e: ApiEvent): void {
    if (e.type === 'decisions') {
      this.savedState.onDecisions(e);
      this.deps.onCounts(e.counts);
    } else if (e.type === 'claim') {
      // Claims of this annotator (this tab's, whose event may come before the answer naming it, or another tab
      // of the same person) steer nothing.
      if (this.claims.isOwn(e.claimId) || e.annotator === this.deps.identity.annotator) return;
      const item = this.list.find(e.sampleIndex);
      if (!item) return;
      if (e.annotator)
        item.claim = {
          annotator: e.annotator,
          claimId: e.claimId,
          until: this.now() + (e.ttlMs ?? CLAIM_TTL_MS),
        };
      else if (item.claim?.claimId === e.claimId || item.claim?.claimId === '') item.claim = null;
    }
  }

  // ---- questions, helpers -----------------------------------------------------------------------

  /** Asks the user; the commands that follow wait for the answer. */
  private ask(title: string, message: string, confirmLabel: string, onYes: () => void): void {
    let answered!: () => void;
    const p = new Promise<void>((resolve) => (answered = resolve));
    this.question = {
      title,
      message,
      confirmLabel,
      answer: (yes) => {
        this.question = null;
        if (yes) onYes();
        answered();
      },
    };
    this.block(p);
  }

  private decidedByOther(items: ReviewItem[]): string | null {
    const me = this.deps.identity.annotator;
    const names = new Set(
      items.map((x) => shownDecision(x)?.annotator).filter((a): a is string => a !== undefined && a !== me),
    );
    return names.size ? [...names].join(', ') : null;
  }

  private writable(): boolean {
    if (!this.list.set?.stale) return true;
    this.deps.notify(
      'This issue list was made before the dataset was re-imported: find the issues again before deciding.',
      'error',
    );
    return false;
  }

  private noteLast(items: ReviewItem[]): void {
    const head = items[0];
    if (!head) return;
    this.lastSave = {
      sampleIndex: head.issue.sampleIndex,
      rank: head.issue.rank,
      what: items.length > 1 ? `${items.length} issues` : `#${head.issue.rank}`,
    };
  }

  private requestId(): string {
    return this.deps.newRequestId?.() ?? crypto.randomUUID();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The changes queued but not sent, for a page that is closing (the transport may still deliver them). */
  takeUnsent(): QueuedOp[] {
    return this.queue.takeUnsent();
  }

  dispose(): void {
    this.disposed = true;
    this.claims.dispose();
  }
}
