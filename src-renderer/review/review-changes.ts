import type { AcceptPreview, DecideResult, UndoResult } from '../../src-shared/api';
import type { Decision } from '../../src-shared/domain';
import type { DecisionQueue, QueuedOp } from './decision-queue';
import { intentFor, provisionalDecision, type DecisionIntent } from './decisions';
import type { IssueFilter, ReviewItem } from './issue-list.svelte';
import { shownDecision } from './issue-list.svelte';
import { codeOf, messageOf, type ReviewCore } from './review-core';
import type { MirroredBatch, UndoMirror } from './undo-mirror';

/**
 * The changes a review makes — decisions, bulk accepts, undo and redo — each shown at once, mirrored for undo,
 * and sent through the one queue in the order they were made.
 */
export class ReviewChanges {
  constructor(
    private readonly core: ReviewCore,
    private readonly queue: DecisionQueue,
    private readonly mirror: UndoMirror,
  ) {}

  // ---- decisions -----------------------------------------------------------------------------------

  /**
   * Shows decisions at once and queues their save as one batch; for a key on one issue (`advance`) also opens
   * the next undecided issue, claimed in the same call.
   */
  record(items: ReviewItem[], intent: DecisionIntent, opts: { overwrite: boolean; advance: boolean }): void {
    const { core } = this;
    const requestId = this.begin(items, (item) =>
      // A relabel to the given label means keep (the server stores it so).
      intent.action === 'relabel' && intent.newLabel === item.issue.givenLabel ? { action: 'keep' } : intent,
    );
    if (opts.advance) core.advanceFrom(core.position() + 1);
    const focus = this.focusAfter(items);
    const op: QueuedOp = {
      name: 'decide',
      input: {
        sampleIndices: items.map((x) => x.issue.sampleIndex),
        action: intent.action,
        newLabel: intent.newLabel,
        requestId,
        by: core.deps.identity,
        focus,
        generation: core.list.set?.datasetGeneration,
        overwrite: opts.overwrite,
      },
    };
    void this.queue.enqueue<DecideResult>(op).then(
      (r) => {
        this.answered(items, r);
        if (focus !== undefined) core.claims.adopt(focus, r.claim);
      },
      (e: unknown) =>
        this.failed(items, requestId, e, () =>
          this.record(items, intent, { ...opts, overwrite: true, advance: false }),
        ),
    );
  }

  /** Grid: accepts the suggestions of the selected issues (one batch, whatever their suggested classes). */
  acceptSelected(items: ReviewItem[]): void {
    const requestId = this.begin(items, (item) => intentFor(item.issue, { type: 'accept' }));
    this.sendAccept(
      { sampleIndices: items.map((x) => x.issue.sampleIndex), includeDecided: true, requestId },
      items,
    );
  }

  previewAcceptAll(maxQuality: number): Promise<AcceptPreview> {
    const { core } = this;
    return core.deps.api.previewAccept({
      setId: core.list.set?.id,
      filter: core.filter(),
      maxQuality,
      by: core.deps.identity,
    });
  }

  /** Accepts every suggestion of the filter up to a score, as one batch; decided issues only when asked to. */
  async acceptAll(maxQuality: number, includeDecided: boolean): Promise<number> {
    const requestId = this.core.requestId();
    // The samples are chosen by the server: an undo of this batch waits for the server's answer.
    this.mirror.pushNew({ requestId, samples: [], exact: false });
    const r = await this.sendAccept(
      { filter: this.core.filter(), maxQuality, includeDecided, requestId },
      [],
    );
    return r?.decisions.length ?? 0;
  }

  private sendAccept(
    input: {
      sampleIndices?: number[];
      filter?: IssueFilter;
      maxQuality?: number;
      includeDecided: boolean;
      requestId: string;
    },
    items: ReviewItem[],
  ): Promise<DecideResult | null> {
    const { core } = this;
    const op: QueuedOp = {
      name: 'acceptSuggestions',
      input: { ...input, setId: core.list.set?.id, by: core.deps.identity },
    };
    return this.queue.enqueue<DecideResult>(op).then(
      (r) => {
        this.answered(items, r);
        return r;
      },
      (e: unknown) => {
        this.failed(items, input.requestId, e, null);
        return null;
      },
    );
  }

  /** Shows each item's new decision at once, mirrors the batch for undo; returns the batch's requestId. */
  private begin(items: ReviewItem[], intentOf: (item: ReviewItem) => DecisionIntent): string {
    const { core } = this;
    const requestId = core.requestId();
    const batch: MirroredBatch = { requestId, samples: [], exact: true };
    for (const item of items) {
      const after = provisionalDecision(item.issue, intentOf(item), core.deps.identity.annotator);
      batch.samples.push({
        sampleIndex: item.issue.sampleIndex,
        rank: item.issue.rank,
        before: shownDecision(item),
        after,
      });
      core.saved.begin(item, after);
    }
    this.mirror.pushNew(batch);
    core.noteLast(items);
    return requestId;
  }

  /**
   * The issue on screen once a change moved on from `items`, for the change to claim in the same call; undefined
   * when the view did not move to another issue (yet).
   */
  private focusAfter(items: ReviewItem[]): number | undefined {
    const shown = this.core.current();
    if (!shown || items.includes(shown)) return undefined;
    this.core.claims.coveredBy(shown.issue.sampleIndex);
    return shown.issue.sampleIndex;
  }

  private answered(items: ReviewItem[], r: DecideResult): void {
    this.core.saved.settle(
      items,
      r.decisions.map((d) => [d.sampleIndex, d, d.eventId]),
    );
    this.core.deps.onCounts(r.counts);
  }

  private failed(items: ReviewItem[], requestId: string, e: unknown, overwrite: (() => void) | null): void {
    const message = messageOf(e);
    if (!this.core.saved.fail(items, requestId, message)) return;
    if (codeOf(e) === 'decided_by_other' && overwrite) {
      this.core.ask('Overwrite a decision', message, 'Overwrite', overwrite);
      return;
    }
    this.core.deps.notify(`Not saved: ${message}`, 'error');
  }

  // ---- undo / redo -------------------------------------------------------------------------------

  undo(): void {
    const batch = this.mirror.popUndo();
    if (batch?.exact) return this.revert(batch, 'undo', 'before');
    this.serverOnly('undo');
  }

  redo(): void {
    const batch = this.mirror.popRedo();
    if (batch?.exact) return this.revert(batch, 'redo', 'after');
    this.serverOnly('redo');
  }

  /** Shows the batch's other side at once, opens its first issue, and lets the server confirm. */
  private revert(batch: MirroredBatch, which: 'undo' | 'redo', side: 'before' | 'after'): void {
    const { core } = this;
    const items: ReviewItem[] = [];
    const show = () => {
      for (const s of batch.samples) {
        const item = core.list.find(s.sampleIndex);
        if (!item || items.includes(item)) continue;
        items.push(item);
        core.saved.begin(item, s[side]);
      }
      this.open(items.map((item) => item.issue.sampleIndex));
    };
    // The batch's issues may lie beyond the pages loaded so far: load up to them (the keys after wait).
    const firstRank = Math.min(...batch.samples.map((s) => s.rank));
    const loaded = batch.samples.some((s) => core.list.find(s.sampleIndex));
    const waitForPages = !loaded && !core.list.complete && firstRank > core.list.lastRank;
    if (waitForPages) core.block(core.list.ensureRank(firstRank).then(show));
    else show();
    core.noteLast(items);
    const requestId = core.requestId();
    const focus = waitForPages ? undefined : core.current()?.issue.sampleIndex;
    if (focus !== undefined) core.claims.coveredBy(focus);
    void this.queue
      .enqueue<UndoResult>({ name: which, input: { requestId, by: core.deps.identity, focus } })
      .then(
        (r) => {
          if (focus !== undefined) core.claims.adopt(focus, r.claim);
          // Every loaded sample the server changed gets its saved state, expected or not.
          core.saved.settle(items, savedOf(r));
          core.deps.onCounts(r.counts);
          const expected = new Set(batch.samples.map((s) => s.sampleIndex));
          if (r.changed.length === expected.size && r.changed.every((i) => expected.has(i))) return;
          // The server's stack differs from the mirror (another window of this session?): it is the truth.
          this.mirror.clear();
          core.deps.notify(
            r.changed.length === 0
              ? `Nothing to ${which} on the server; showing what is saved`
              : `${which === 'undo' ? 'Undid' : 'Redid'} a different change than expected; showing what is saved`,
          );
        },
        (e: unknown) => this.failed(items, requestId, e, null),
      );
  }

  /** An undo or redo only the server knows (after a reload): the commands that follow wait for its answer. */
  private serverOnly(which: 'undo' | 'redo'): void {
    const { core } = this;
    const requestId = core.requestId();
    const p = this.queue
      .enqueue<UndoResult>({ name: which, input: { requestId, by: core.deps.identity } })
      .then(
        (r) => {
          core.deps.onCounts(r.counts);
          if (r.changed.length === 0) {
            core.deps.notify(which === 'undo' ? 'Nothing to undo' : 'Nothing to redo');
            return;
          }
          core.saved.settle([], savedOf(r));
          this.open(r.changed);
          const n = r.changed.length;
          core.deps.notify(
            `${which === 'undo' ? 'Undid' : 'Redid'} ${n === 1 ? 'a decision' : `${n} decisions`}`,
          );
        },
        (e: unknown) =>
          core.deps.notify(`${which === 'undo' ? 'Undo' : 'Redo'} failed: ${messageOf(e)}`, 'error'),
      );
    core.block(p);
  }

  /** Opens the first (by position) of these samples that the list has. */
  private open(sampleIndices: number[]): void {
    const positions = sampleIndices.map((i) => this.core.list.positionOf(i)).filter((p) => p >= 0);
    if (positions.length === 0) return;
    this.core.setAllDone(false);
    this.core.setPos(Math.min(...positions));
  }
}

const savedOf = (r: UndoResult): [number, Decision | null, number][] =>
  r.changed.map((idx, k) => [idx, r.decisions[k], r.eventIds[k]]);
