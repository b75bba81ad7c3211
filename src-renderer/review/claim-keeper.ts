import type { ClaimResult, RelabelApi } from '../../src-shared/api';
import type { ReviewIdentity } from './identity';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** An issue must stay on screen this long before it is claimed (fast keying claims nothing in between). */
export const CLAIM_SETTLE_MS = 300;
/** Claims are renewed this often while the issue stays on screen (the server lets them lapse after 45 s). */
export const CLAIM_RENEW_MS = 20_000;

/**
 * Tells the server which issue this session has on screen, so other annotators are steered elsewhere: once an
 * issue has stayed on screen a moment (or at once, in the decision that moved to it), renewed while it stays,
 * released when the review closes.
 */
export class ClaimKeeper {
  private readonly own = new Set<string>();
  private sampleIndex: number | null = null;
  private timer: unknown = null;

  constructor(
    private readonly api: Pick<RelabelApi, 'claimIssue'>,
    private readonly identity: ReviewIdentity,
    private readonly onHeldBy: (sampleIndex: number, annotator: string) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  /** The issue now on screen (null: none). */
  focus(sampleIndex: number | null): void {
    if (sampleIndex === this.sampleIndex) return;
    this.sampleIndex = sampleIndex;
    this.schedule(CLAIM_SETTLE_MS);
  }

  /** The decision about to be sent claims `sampleIndex` itself (its `focus`): no call of our own for it. */
  coveredBy(sampleIndex: number): void {
    if (sampleIndex !== this.sampleIndex) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** The answer of a call that carried a `focus`. */
  adopt(sampleIndex: number, r: ClaimResult | undefined): void {
    if (!r) return;
    if (r.claimId) this.own.add(r.claimId);
    if (r.heldBy) this.onHeldBy(sampleIndex, r.heldBy);
    if (sampleIndex === this.sampleIndex && this.timer === null) this.schedule(CLAIM_RENEW_MS);
  }

  /** The issue this session shows (and claims or is about to). */
  get focused(): number | null {
    return this.sampleIndex;
  }

  /** Whether a claim id is one of this session's (its events echo back). */
  isOwn(claimId: string): boolean {
    return this.own.has(claimId);
  }

  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    void this.api.claimIssue({ sampleIndex: null, by: this.identity }).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => void this.send(), ms);
  }

  private async send(): Promise<void> {
    this.timer = null;
    const sampleIndex = this.sampleIndex;
    try {
      const r = await this.api.claimIssue({ sampleIndex, by: this.identity });
      if (r.claimId) this.own.add(r.claimId);
      if (r.heldBy && sampleIndex !== null) this.onHeldBy(sampleIndex, r.heldBy);
    } catch {
      // Claims only steer; a failed one is retried with the renewal.
    }
    if (sampleIndex !== null && sampleIndex === this.sampleIndex) this.schedule(CLAIM_RENEW_MS);
  }
}
