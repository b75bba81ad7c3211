import type { ApiEvent } from '../../src-shared/api';
import type { Decision } from '../../src-shared/domain';
import type { IssueList, ReviewItem } from './issue-list.svelte';
import type { UndoMirror } from './undo-mirror';

/**
 * What each loaded sample shows while its changes travel: a local change at once (marked saving), the server's
 * state once it answered, and never an older state after a newer one. Saved states come with the id of the
 * decision event they stem from; answers and events of every client go through `applySaved`, newest wins.
 */
export class SavedState {
  /** requestIds whose event arrived: their change is saved even if the answer got lost. */
  private readonly echoed = new Set<string>();

  constructor(
    private readonly list: IssueList,
    private readonly mirror: UndoMirror,
  ) {}

  /** A local change begins: shown at once, marked saving. */
  begin(item: ReviewItem, shown: Decision | null): void {
    item.pending = shown;
    item.inFlight++;
    item.save = { status: 'saving' };
  }

  /** The server answered: its states replace the local ones once nothing else is in flight for the sample. */
  settle(items: ReviewItem[], saved: [number, Decision | null, number][]): void {
    for (const [idx, decision, eventId] of saved) {
      const item = this.list.find(idx);
      if (item) this.applySaved(item, decision, eventId);
    }
    for (const item of items) {
      item.inFlight = Math.max(0, item.inFlight - 1);
      if (item.inFlight === 0) {
        item.pending = undefined;
        item.save = { status: 'saved' };
      }
    }
  }

  /**
   * The call failed: the samples show their saved state again, marked not saved, and the change leaves the undo
   * mirror. Returns false when it was saved after all (its event arrived; only the answer got lost).
   */
  fail(items: ReviewItem[], requestId: string, message: string): boolean {
    if (this.echoed.has(requestId)) {
      this.settle(items, []);
      return false;
    }
    this.mirror.forget(requestId);
    for (const item of items) {
      item.inFlight = Math.max(0, item.inFlight - 1);
      if (item.inFlight === 0) {
        item.pending = undefined;
        item.save = { status: 'error', message };
      }
    }
    return true;
  }

  /** A saved state of a sample, from an answer or an event: kept only if newer than the one known. */
  applySaved(item: ReviewItem, decision: Decision | null, eventId: number): void {
    if (eventId <= item.version) return;
    item.version = eventId;
    item.issue.decision = decision;
  }

  /** A `decisions` event of any client (this one's included: applying a state twice changes nothing). */
  onDecisions(e: Extract<ApiEvent, { type: 'decisions' }>): void {
    if (e.requestId) this.echoed.add(e.requestId);
    if (this.echoed.size > 1000) this.echoed.clear();
    e.sampleIndices.forEach((idx, k) => {
      const item = this.list.find(idx);
      if (item) this.applySaved(item, e.decisions[k], e.eventIds[k]);
    });
  }
}
