import type { RelabelApi } from '../../src-shared/api';
import type { SaliencyOverlay } from '../../src-shared/evidence';

/** The image an overlay explains: the review's current issue, by the run that ranked it. */
export interface OverlayTarget {
  runId: number;
  sampleIndex: number;
  /** Evidence for `towards` (red) against `against` (blue): the suggested vs the given label in the review. */
  towards: number;
  against: number;
}

export type OverlayView =
  | { state: 'off' }
  | { state: 'waiting' }
  | { state: 'loading'; target: OverlayTarget }
  | { state: 'ready'; target: OverlayTarget; overlay: SaliencyOverlay }
  | { state: 'unavailable'; target: OverlayTarget; message: string }
  | { state: 'error'; target: OverlayTarget; message: string };

export type OverlayApi = Pick<RelabelApi, 'explainSample' | 'cancelExplain'>;

const keyOf = (t: OverlayTarget) => `${t.runId}/${t.sampleIndex}/${t.towards}/${t.against}`;
let counter = 0;
const defaultRequestId = () => `overlay-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/**
 * The review's "where the model looked" overlay: toggled with `s`, it asks for the overlay of the image on
 * screen once that image is shown, and cancels the request as soon as the annotator moves on (or turns the
 * overlay off), so an explanation never competes with the next issue. A late answer for an image that is
 * no longer shown is dropped.
 */
export class SaliencyOverlayController {
  private target: OverlayTarget | null = null;
  private inFlight: { key: string; requestId: string } | null = null;
  private current: OverlayView = { state: 'off' };
  private visible = false;
  private readonly listeners = new Set<(v: OverlayView) => void>();

  constructor(
    private readonly api: OverlayApi,
    private readonly newRequestId: () => string = defaultRequestId,
  ) {}

  get view(): OverlayView {
    return this.current;
  }

  get isVisible(): boolean {
    return this.visible;
  }

  /** Calls `listener` with every new view; returns the unsubscribe function. */
  subscribe(listener: (v: OverlayView) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  toggle(): void {
    this.setVisible(!this.visible);
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      this.cancel();
      this.set({ state: 'off' });
    } else {
      this.request();
    }
  }

  /** The image on screen changed (call once it is shown); null when no issue is shown. */
  show(target: OverlayTarget | null): void {
    if (target && this.target && keyOf(target) === keyOf(this.target)) return;
    this.cancel();
    this.target = target;
    if (this.visible) this.request();
  }

  /** The page is going away: nothing may stay in flight. */
  dispose(): void {
    this.cancel();
    this.listeners.clear();
  }

  private request(): void {
    const target = this.target;
    if (!target) return this.set({ state: 'waiting' });
    const key = keyOf(target);
    const requestId = this.newRequestId();
    this.inFlight = { key, requestId };
    this.set({ state: 'loading', target });
    const stillWanted = () => this.inFlight?.requestId === requestId;
    this.api
      .explainSample({ ...target, requestId })
      .then((r) => {
        if (!stillWanted()) return;
        this.inFlight = null;
        if ('cancelled' in r) return;
        if ('unavailable' in r) this.set({ state: 'unavailable', target, message: r.unavailable });
        else this.set({ state: 'ready', target, overlay: r });
      })
      .catch((e: unknown) => {
        if (!stillWanted()) return;
        this.inFlight = null;
        this.set({ state: 'error', target, message: (e as Error)?.message ?? String(e) });
      });
  }

  private cancel(): void {
    const f = this.inFlight;
    if (!f) return;
    this.inFlight = null;
    // Fire and forget: the answer to the cancelled call is dropped anyway.
    this.api.cancelExplain({ requestId: f.requestId }).catch(() => {});
  }

  private set(v: OverlayView): void {
    this.current = v;
    for (const l of this.listeners) l(v);
  }
}
