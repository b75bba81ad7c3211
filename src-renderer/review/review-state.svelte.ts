/* eslint-disable svelte/prefer-svelte-reactivity -- the maps and sets here are bookkeeping, deliberately not reactive */
import type { ApiInput, IssuePage } from '../../src-shared/api';
import type { Decision, IssueSetInfo, LabelIssue } from '../../src-shared/domain';
import { toast } from '../lib/toasts.svelte';
import { api, transport } from '../lib/transport';
import {
  decisionFromHistory,
  groupIntents,
  intentFor,
  nextUndecided,
  provisionalDecision,
  type DecisionCommand,
  type DecisionIntent,
} from './decisions';

export type IssueFilter = NonNullable<ApiInput<'getIssues'>['filter']> & {
  status: 'all' | 'decided' | 'undecided';
};

/** Whether a decision has reached the project file. */
export type SaveState = { status: 'saving' } | { status: 'saved' } | { status: 'error'; message: string };

export const PAGE_SIZE = 50;
/** Above this many changed samples, a live update reloads the view instead of asking per sample. */
const MAX_PER_SAMPLE_REFRESH = 30;
const OWN_EVENT_TTL_MS = 10_000;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The review queue: the issues of the current filter (paged in lazily, the next page prefetched), the
 * position, and every decision's save state. Decisions are shown at once and sent in order through one
 * queue, so an undo always applies to what the user saw last; "saved" is only set once the call resolved.
 */
export class ReviewState {
  filter = $state<IssueFilter>({ status: 'all' });
  items = $state<(LabelIssue | null)[]>([]);
  total = $state(0);
  setTotal = $state(0);
  reviewed = $state(0);
  set = $state<IssueSetInfo | null>(null);
  pos = $state(0);
  loading = $state(true);
  loadError = $state<string | null>(null);
  /** Save state by sample index. */
  saves = $state<Record<number, SaveState>>({});
  /** The latest decision and its save state, for the status line. */
  lastSave = $state<{ sampleIndex: number; rank: number; what: string } | null>(null);
  /** Set when a decision found no undecided issue after it. */
  allDone = $state(false);

  readonly current = $derived(this.items[this.pos] ?? null);
  readonly pendingSaves = $derived(Object.values(this.saves).filter((s) => s.status === 'saving').length);

  private pages = new Map<number, Promise<void>>();
  private generation = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private inFlight = 0;
  private ownChanges = new Map<number, number>();
  private pendingEvents: number[][] = [];
  private preloaded = new Set<number>();
  private countsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly annotator: () => string) {}

  // ---- loading -------------------------------------------------------------------------------------

  /** Loads the first page of the filter and opens the top-ranked undecided issue (or `keepSample`). */
  async reload(keepSample?: number): Promise<void> {
    const gen = ++this.generation;
    this.pages.clear();
    this.loading = true;
    this.loadError = null;
    this.allDone = false;
    let first: IssuePage;
    try {
      first = await api.getIssues({ filter: this.filter, offset: 0, limit: PAGE_SIZE });
    } catch (e) {
      if (gen === this.generation) {
        this.loadError = messageOf(e);
        this.loading = false;
      }
      return;
    }
    if (gen !== this.generation) return;
    this.set = first.set;
    this.total = first.total;
    this.setTotal = first.counts.setTotal;
    this.reviewed = first.counts.reviewed;
    const items: (LabelIssue | null)[] = new Array(first.total).fill(null);
    first.issues.forEach((issue, i) => (items[i] = issue));
    this.items = items;
    this.pages.set(0, Promise.resolve());

    let start = keepSample === undefined ? -1 : this.items.findIndex((x) => x?.sampleIndex === keepSample);
    if (start < 0) start = await this.findUndecidedFrom(0);
    if (gen !== this.generation) return;
    this.loading = false;
    this.goto(start < 0 ? 0 : start);
  }

  setFilter(filter: IssueFilter): void {
    this.filter = filter;
    void this.reload(this.current?.sampleIndex);
  }

  /** Makes sure the page holding position `i` is loaded. */
  ensureLoaded(i: number): Promise<void> {
    if (i < 0 || i >= this.total) return Promise.resolve();
    const page = Math.floor(i / PAGE_SIZE);
    let loading = this.pages.get(page);
    if (!loading) {
      loading = this.loadPage(page);
      this.pages.set(page, loading);
    }
    return loading;
  }

  private async loadPage(page: number): Promise<void> {
    const gen = this.generation;
    const start = page * PAGE_SIZE;
    // With a status filter the server's list shrinks as issues are decided (or undone) here; skip as many
    // rows as left it from the positions before this page, so no issue is missed.
    let shift = 0;
    if (this.filter.status !== 'all') {
      const wantDecided = this.filter.status === 'decided';
      for (let i = 0; i < start; i++) {
        const item = this.items[i];
        if (item && (item.decision !== null) !== wantDecided) shift++;
      }
    }
    try {
      const r = await api.getIssues({
        filter: this.filter,
        offset: Math.max(0, start - shift),
        limit: PAGE_SIZE,
      });
      if (gen !== this.generation) return;
      const known = new Set(this.items.filter((x) => x !== null).map((x) => x!.sampleIndex));
      const fresh = r.issues.filter((issue) => !known.has(issue.sampleIndex));
      fresh.forEach((issue, k) => {
        if (start + k < this.items.length) this.items[start + k] = issue;
      });
      // The filtered list ended earlier than the snapshot said: drop the positions that cannot be filled.
      if (fresh.length < PAGE_SIZE && start + fresh.length < this.items.length) {
        this.items.length = start + fresh.length;
        this.total = this.items.length;
        if (this.pos >= this.total) this.pos = Math.max(0, this.total - 1);
      }
      this.setTotal = r.counts.setTotal;
      this.reviewed = r.counts.reviewed;
    } catch (e) {
      this.pages.delete(page);
      toast(`Could not load issues: ${messageOf(e)}`, 'error');
    }
  }

  /** Position of the first undecided issue at or after `from`, loading pages as needed; -1 if none. */
  async findUndecidedFrom(from: number): Promise<number> {
    const gen = this.generation;
    for (let i = Math.max(0, from); i < this.total;) {
      await this.ensureLoaded(i);
      if (gen !== this.generation) return -1;
      const pageEnd = Math.min(this.total, (Math.floor(i / PAGE_SIZE) + 1) * PAGE_SIZE);
      const found = nextUndecided(this.items.slice(0, pageEnd), i);
      if (found >= 0) return found;
      i = pageEnd;
    }
    return -1;
  }

  private positionsOf(sampleIndices: Iterable<number>): number[] {
    const wanted = new Set(sampleIndices);
    const out: number[] = [];
    this.items.forEach((x, i) => {
      if (x && wanted.has(x.sampleIndex)) out.push(i);
    });
    return out;
  }

  // ---- navigation ----------------------------------------------------------------------------------

  goto(i: number): void {
    if (this.total === 0) return;
    this.pos = Math.max(0, Math.min(this.total - 1, i));
    void this.ensureLoaded(this.pos).then(() => this.prefetchAround(this.pos));
  }

  next(): void {
    this.goto(this.pos + 1);
  }

  prev(): void {
    this.goto(this.pos - 1);
  }

  /** Loads the next page early and warms the browser cache with the next images, so paging is instant. */
  private prefetchAround(pos: number): void {
    const nextPageStart = (Math.floor(pos / PAGE_SIZE) + 1) * PAGE_SIZE;
    if (nextPageStart - pos <= PAGE_SIZE / 2) void this.ensureLoaded(nextPageStart);
    let warmed = 0;
    for (let i = pos + 1; i < this.items.length && warmed < 3; i++) {
      const item = this.items[i];
      if (!item) break;
      if (item.decision !== null && warmed > 0) continue;
      warmed++;
      if (this.preloaded.has(item.sampleIndex)) continue;
      this.preloaded.add(item.sampleIndex);
      const img = new Image();
      img.decoding = 'async';
      img.src = transport.mediaUrl('image', item.sampleIndex);
    }
    if (this.preloaded.size > 500) this.preloaded.clear();
  }

  // ---- decisions -----------------------------------------------------------------------------------

  /** Decides the current issue, moves on to the next undecided one at once, and saves in the background. */
  async decideCurrent(cmd: DecisionCommand): Promise<void> {
    const issue = this.current;
    if (!issue) return;
    const from = this.pos;
    const done = this.applyDecision([issue], intentFor(issue, cmd));
    const next = await this.findUndecidedFrom(from + 1);
    if (next >= 0) {
      this.allDone = false;
      this.goto(next);
    } else {
      this.allDone = true;
    }
    await done;
  }

  /** Applies one command to many issues: one `decide` call per distinct action and label. */
  async decideMany(issues: LabelIssue[], cmd: DecisionCommand): Promise<boolean> {
    const bySample = new Map(issues.map((x) => [x.sampleIndex, x]));
    const results = await Promise.all(
      groupIntents(issues, cmd).map((group) =>
        this.applyDecision(
          group.sampleIndices.map((i) => bySample.get(i)!),
          group,
        ),
      ),
    );
    return results.every(Boolean);
  }

  /** Optimistic update, then the `decide` call in the queue; resolves to whether it was saved. */
  private applyDecision(issues: LabelIssue[], intent: DecisionIntent): Promise<boolean> {
    const previous = issues.map((x) => x.decision);
    for (const issue of issues) {
      issue.decision = provisionalDecision(issue, intent, this.annotator());
      this.saves[issue.sampleIndex] = { status: 'saving' };
    }
    const head = issues[0];
    this.lastSave = {
      sampleIndex: head.sampleIndex,
      rank: head.rank,
      what: issues.length > 1 ? `${issues.length} issues` : `#${head.rank}`,
    };
    const sampleIndices = issues.map((x) => x.sampleIndex);
    return this.enqueue(async () => {
      try {
        const r = await api.decide({ sampleIndices, action: intent.action, newLabel: intent.newLabel });
        this.markOwn(sampleIndices);
        const saved = new Map(r.decisions.map((d) => [d.sampleIndex, d]));
        for (const issue of issues) {
          issue.decision = saved.get(issue.sampleIndex) ?? issue.decision;
          this.saves[issue.sampleIndex] = { status: 'saved' };
        }
        this.refreshCountsSoon();
        return true;
      } catch (e) {
        const message = messageOf(e);
        issues.forEach((issue, k) => {
          issue.decision = previous[k];
          this.saves[issue.sampleIndex] = { status: 'error', message };
        });
        toast(`Not saved: ${message}`, 'error');
        return false;
      }
    });
  }

  async undo(): Promise<void> {
    await this.history('undo');
  }

  async redo(): Promise<void> {
    await this.history('redo');
  }

  private history(which: 'undo' | 'redo'): Promise<void> {
    return this.enqueue(async () => {
      try {
        const r = which === 'undo' ? await api.undo({}) : await api.redo({});
        if (r.changed.length === 0) {
          toast(which === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
          return;
        }
        this.markOwn(r.changed);
        const byIndex = new Map(r.changed.map((idx, k) => [idx, r.decisions[k]]));
        const positions = this.positionsOf(r.changed);
        for (const p of positions) {
          const item = this.items[p]!;
          item.decision = byIndex.get(item.sampleIndex) ?? null;
          this.saves[item.sampleIndex] = { status: 'saved' };
        }
        // Show what was undone (or redone): the first affected issue of this view.
        if (positions.length) {
          this.allDone = false;
          this.goto(positions[0]);
        }
        const n = r.changed.length;
        toast(`${which === 'undo' ? 'Undid' : 'Redid'} ${n === 1 ? 'a decision' : `${n} decisions`}`);
        this.refreshCountsSoon();
      } catch (e) {
        toast(`${which === 'undo' ? 'Undo' : 'Redo'} failed: ${messageOf(e)}`, 'error');
      }
    });
  }

  /** How many issues of the current filter have a score ≤ maxQuality (for the confirmation). */
  async countAtMost(maxQuality: number): Promise<number> {
    const r = await api.getIssues({ filter: this.scoreCapped(maxQuality), offset: 0, limit: 1 });
    return r.total;
  }

  async acceptAtMost(maxQuality: number): Promise<number> {
    const keep = this.current?.sampleIndex;
    const r = await this.enqueue(() => api.acceptSuggestions({ filter: this.filter, maxQuality }));
    this.markOwn(r.decisions.map((d) => d.sampleIndex));
    await this.reload(keep);
    return r.decisions.length;
  }

  private scoreCapped(maxQuality: number): IssueFilter {
    return { ...this.filter, maxQuality: Math.min(maxQuality, this.filter.maxQuality ?? 1) };
  }

  /** Mutations run one at a time, in the order the user made them. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) this.flushEvents();
    });
  }

  // ---- live updates --------------------------------------------------------------------------------

  private markOwn(sampleIndices: number[]): void {
    const now = Date.now();
    for (const i of sampleIndices) this.ownChanges.set(i, now);
  }

  /** A `decisions` event: someone (maybe another annotator) changed these samples. */
  onDecisions(sampleIndices: number[]): void {
    this.pendingEvents.push(sampleIndices);
    if (this.inFlight === 0) this.flushEvents();
  }

  private flushEvents(): void {
    if (this.pendingEvents.length === 0) return;
    const now = Date.now();
    for (const [i, at] of this.ownChanges) if (now - at > OWN_EVENT_TTL_MS) this.ownChanges.delete(i);
    const foreign = new Set<number>();
    for (const indices of this.pendingEvents.splice(0)) {
      for (const i of indices) {
        // Our own change echoing back: already shown.
        if (this.ownChanges.has(i)) this.ownChanges.delete(i);
        else foreign.add(i);
      }
    }
    this.refreshCountsSoon();
    if (foreign.size === 0) return;
    const positions = this.positionsOf(foreign);
    if (positions.length > MAX_PER_SAMPLE_REFRESH) {
      void this.reload(this.current?.sampleIndex);
      return;
    }
    for (const p of positions) void this.refreshItem(p);
  }

  private async refreshItem(p: number): Promise<void> {
    const item = this.items[p];
    if (!item) return;
    const gen = this.generation;
    try {
      const history = await api.decisionHistory({ sampleIndex: item.sampleIndex });
      if (gen !== this.generation || this.saves[item.sampleIndex]?.status === 'saving') return;
      const decision: Decision | null = decisionFromHistory(item, history);
      item.decision = decision;
      this.saves[item.sampleIndex] = { status: 'saved' };
    } catch {
      // The sample may have left the dataset (re-import); the next reload shows the truth.
    }
  }

  private refreshCountsSoon(): void {
    if (this.countsTimer) return;
    this.countsTimer = setTimeout(async () => {
      this.countsTimer = null;
      try {
        const r = await api.getIssues({ filter: { status: 'all' }, offset: 0, limit: 1 });
        this.reviewed = r.counts.reviewed;
        this.setTotal = r.counts.setTotal;
      } catch {
        // Counts stay as they were; the next decision tries again.
      }
    }, 250);
  }

  dispose(): void {
    this.generation++;
    if (this.countsTimer) clearTimeout(this.countsTimer);
  }
}
