import type { ApiInput, RelabelApi } from '../../src-shared/api';

/** A mutation of the review, as data: what it calls and with what (the input carries its requestId). */
export type QueuedOp =
  | { name: 'decide'; input: ApiInput<'decide'> & { requestId: string } }
  | { name: 'acceptSuggestions'; input: ApiInput<'acceptSuggestions'> & { requestId: string } }
  | { name: 'undo'; input: ApiInput<'undo'> & { requestId: string } }
  | { name: 'redo'; input: ApiInput<'redo'> & { requestId: string } };

type MutationApi = Pick<RelabelApi, 'decide' | 'acceptSuggestions' | 'undo' | 'redo'>;

/**
 * The review's mutations, sent one at a time in the order the user made them, so an undo always applies to
 * what came before it. Ops are data: the ones not sent yet can be handed over when the page is closing.
 */
export class DecisionQueue {
  private readonly waiting: { op: QueuedOp; start: () => void }[] = [];
  private running = false;
  private count = 0;

  constructor(
    private readonly api: MutationApi,
    /** Told the number of ops queued or in flight whenever it changes. */
    private readonly onSize: (n: number) => void = () => {},
  ) {}

  get size(): number {
    return this.count;
  }

  /** Queues an op; resolves with the call's answer once it ran. */
  enqueue<T>(op: QueuedOp): Promise<T> {
    this.setCount(this.count + 1);
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running = true;
        (this.api[op.name] as (input: unknown) => Promise<T>)(op.input)
          .then(resolve, reject)
          .finally(() => {
            this.running = false;
            this.setCount(this.count - 1);
            this.next();
          });
      };
      this.waiting.push({ op, start });
      if (!this.running) this.next();
    });
  }

  /** Removes and returns the ops not sent yet (their promises never settle: the page is going away). */
  takeUnsent(): QueuedOp[] {
    const ops = this.waiting.splice(0).map((w) => w.op);
    this.setCount(this.count - ops.length);
    return ops;
  }

  private next(): void {
    if (this.running) return;
    this.waiting.shift()?.start();
  }

  private setCount(n: number): void {
    this.count = n;
    this.onSize(n);
  }
}
