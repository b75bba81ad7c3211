import { randomUUID } from 'node:crypto';
import type { Reviewer } from '../store/decisions';

/** How long a claim lasts unless its session renews it (the review renews it while the issue stays on screen). */
export const CLAIM_TTL_MS = 45_000;

export interface Claim {
  id: string;
  sampleIndex: number;
  session: string;
  annotator: string;
  expires: number;
}

/**
 * Which review session has which issue on screen: one claim per session, expiring unless renewed, so two
 * annotators are steered to different issues. Held in memory: claims are about who is looking right now.
 */
export class ClaimBoard {
  private readonly bySession = new Map<string, Claim>();
  private readonly bySample = new Map<number, Claim>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * `by` takes `sampleIndex` (releasing its previous claim), renews it if it holds it already, or learns who
   * holds it. `sampleIndex: null` only releases.
   */
  claim(
    sampleIndex: number | null,
    by: Reviewer,
  ): { taken: Claim | null; released: Claim | null; heldBy: string | null } {
    this.prune();
    const holder = sampleIndex === null ? undefined : this.bySample.get(sampleIndex);
    if (holder && holder.session !== by.session)
      return { taken: null, released: null, heldBy: holder.annotator };
    const previous = this.bySession.get(by.session) ?? null;
    if (previous && previous.sampleIndex === sampleIndex) {
      previous.expires = this.now() + CLAIM_TTL_MS;
      return { taken: previous, released: null, heldBy: null };
    }
    if (previous) this.drop(previous);
    if (sampleIndex === null) return { taken: null, released: previous, heldBy: null };
    const taken: Claim = {
      id: randomUUID(),
      sampleIndex,
      session: by.session,
      annotator: by.annotator,
      expires: this.now() + CLAIM_TTL_MS,
    };
    this.bySession.set(by.session, taken);
    this.bySample.set(sampleIndex, taken);
    return { taken, released: previous, heldBy: null };
  }

  /** The annotator of a live claim on the sample by a session other than `session`, or null. */
  heldByOther(sampleIndex: number, session: string | undefined): string | null {
    const c = this.bySample.get(sampleIndex);
    if (!c || c.expires <= this.now() || c.session === session) return null;
    return c.annotator;
  }

  /** Forgets every claim (a re-import changes what the indices mean). */
  clear(): void {
    this.bySession.clear();
    this.bySample.clear();
  }

  private drop(c: Claim): void {
    this.bySession.delete(c.session);
    if (this.bySample.get(c.sampleIndex) === c) this.bySample.delete(c.sampleIndex);
  }

  private prune(): void {
    const t = this.now();
    for (const c of [...this.bySession.values()]) if (c.expires <= t) this.drop(c);
  }
}
