import type { Decision } from '../../src-shared/domain';

/** One batch this session made, as it looked here: what each sample showed before and after. */
export interface MirroredBatch {
  requestId: string;
  samples: { sampleIndex: number; rank: number; before: Decision | null; after: Decision | null }[];
  /** False when the batch's exact samples were not known here (a filter-wide accept): undo waits for the server. */
  exact: boolean;
}

/**
 * This session's undo and redo stacks, mirrored from what it sent (the server keeps the real ones, per session),
 * so Ctrl+Z can show the undone issue at once instead of after a round trip. After a reload the mirror is empty
 * and undo waits for the server's answer instead.
 */
export class UndoMirror {
  private done: MirroredBatch[] = [];
  private undone: MirroredBatch[] = [];

  /** A new batch: it can be undone; nothing undone before it can be redone any more (as on the server). */
  pushNew(batch: MirroredBatch): void {
    this.done.push(batch);
    this.undone = [];
  }

  /** A batch the server refused: it never happened. */
  forget(requestId: string): void {
    this.done = this.done.filter((b) => b.requestId !== requestId);
  }

  popUndo(): MirroredBatch | undefined {
    const b = this.done.pop();
    if (b) this.undone.push(b);
    return b;
  }

  popRedo(): MirroredBatch | undefined {
    const b = this.undone.pop();
    if (b) this.done.push(b);
    return b;
  }

  /** Drops everything (the server's stacks are the truth; e.g. after an undo the mirror did not predict). */
  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
