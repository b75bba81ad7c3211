import type { DecileHitRate, StopSignal } from '../../src-shared/rounds';

/** One bar of the compact hit-rate chart: a tenth of the queue by rank. */
export interface DecileBar {
  x: number;
  width: number;
  /** Bar height in px (0 while the decile is unreviewed: it shows as a dotted stub). */
  height: number;
  reviewed: boolean;
  /** The tooltip, e.g. "ranks 1–40: 31 errors of 40 reviewed (78%)". */
  title: string;
}

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** The bars of `deciles` in a `width` × `height` box, most suspicious tenth on the left. */
export function decileBars(deciles: DecileHitRate[], width: number, height: number, gap = 2): DecileBar[] {
  const n = Math.max(1, deciles.length);
  const w = (width - gap * (n - 1)) / n;
  return deciles.map((d, i) => ({
    x: i * (w + gap),
    width: w,
    height: d.hitRate === null ? 0 : Math.max(1, d.hitRate * height),
    reviewed: d.hitRate !== null,
    title:
      `ranks ${d.fromRank}–${d.toRank}: ` +
      (d.hitRate === null
        ? 'not reviewed yet'
        : `${d.errors} errors of ${d.reviewed} reviewed (${pct(d.hitRate)})`),
  }));
}

/** The short figure beside the chart: the recent hit rate, or why there is none yet. */
export function recentFigure(s: StopSignal): string {
  if (s.recent.hitRate === null) return 'no decisions yet';
  const which =
    s.recent.reviewed >= s.recent.window ? `last ${s.recent.reviewed}` : `${s.recent.reviewed} so far`;
  return `${which}: ${pct(s.recent.hitRate)} errors`;
}
