import type { NeighboursResult } from '../../src-shared/api';

export type NeighbourView =
  | { status: 'idle' }
  | { status: 'loading'; sampleIndex: number }
  | { status: 'ready'; result: NeighboursResult }
  | { status: 'error'; sampleIndex: number; message: string };

/**
 * Fetches the neighbours of the image being reviewed a moment after it is shown, so paging through issues never
 * waits for them: a newer image cancels the pending fetch, and an answer for an image no longer shown is dropped.
 */
export class NeighbourLoader {
  private current: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly fetchNeighbours: (sampleIndex: number) => Promise<NeighboursResult>,
    private readonly onChange: (view: NeighbourView) => void,
    private readonly delayMs = 150,
  ) {}

  show(sampleIndex: number | null): void {
    if (sampleIndex === this.current) return;
    this.current = sampleIndex;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (sampleIndex === null) {
      this.onChange({ status: 'idle' });
      return;
    }
    this.onChange({ status: 'loading', sampleIndex });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fetchNeighbours(sampleIndex).then(
        (result) => {
          // superseded: the server answered a newer request instead; that answer is on its way.
          if (this.current === sampleIndex && result.status !== 'superseded')
            this.onChange({ status: 'ready', result });
        },
        (e: unknown) => {
          if (this.current === sampleIndex)
            this.onChange({
              status: 'error',
              sampleIndex,
              message: e instanceof Error ? e.message : String(e),
            });
        },
      );
    }, this.delayMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
  }
}
