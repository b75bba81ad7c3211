/**
 * "Show why": the class-evidence map and the saliency overlay, as the API carries them, and the colour
 * scales both sides draw them with (the CLI's PNG figures and the renderer's canvases use the same ones).
 * Plain data only; every number survives JSON (no NaN or Infinity).
 */

/** One class's map: the per-pixel F statistic of this class vs the rest, scaled for display. */
export interface ClassEvidenceMap {
  classId: number;
  /** Images of this class that went into the map. */
  count: number;
  /** F per pixel divided by the largest finite F of this map, in [0, 1] (row-major, height × width). */
  heat: number[];
  /** The largest finite F (what heat 1 stands for); 0 when the map is undefined (an empty class). */
  maxF: number;
  /** Pixel indices kept by SelectPercentile(f_classif, percentile) on this map. */
  mask: number[];
}

export interface ClassEvidence {
  datasetGeneration: number;
  width: number;
  height: number;
  /** Images that went into the maps (readable ones; unreadable images are left out). */
  images: number;
  percentile: number;
  /** One map per class; for two classes both are the same map and `maps` holds only class 0's. */
  maps: ClassEvidenceMap[];
  /** A few sample indices of every class, spread over the class (shown beside the maps). */
  samples: { classId: number; indices: number[] }[];
  computedAt: string;
}

export type SaliencyMethod = 'occlusion' | 'gradient-x-input';

/**
 * Where a model's evidence for one class against another lies on one image: positive values support
 * `towards`, negative ones `against`, in units of the log-odds log p(towards) − log p(against).
 */
export interface SaliencyOverlay {
  runId: number;
  sampleIndex: number;
  /** The fold whose model held this image out (null for a run's single hold-out model). */
  fold: number | null;
  method: SaliencyMethod;
  towards: number;
  against: number;
  width: number;
  height: number;
  /** Per pixel, divided by `scale` so it lies in [-1, 1] (row-major). */
  values: number[];
  /** The largest |value| before scaling (log-odds units). */
  scale: number;
  /** The model's log p(towards) − log p(against) on the unchanged image. */
  logOdds: number;
  /** Milliseconds the explanation took to compute (0 when served from the cache). */
  computeMs: number;
  cached: boolean;
}

/** Why a run's predictions cannot be explained (shown in place of the overlay). */
export interface SaliencyUnavailable {
  unavailable: string;
}

export type SaliencyResult = SaliencyOverlay | SaliencyUnavailable | { cancelled: true };

/** One held-out image on which the model trained on the given labels and the one trained on the reviewed labels disagree. */
export interface Disagreement {
  sampleIndex: number;
  /** The label the hold-out evaluation uses: the reviewed one where a human decided, else the given one. */
  label: number;
  before: { runId: number; predicted: number; probs: number[] };
  after: { runId: number; predicted: number; probs: number[] };
}

export interface HoldoutDisagreements {
  /** Held-out images both models predicted, and how many of them they disagree on. */
  compared: number;
  total: number;
  items: Disagreement[];
  /** Set when there is nothing to compare yet (no before/after pair). */
  note: string | null;
}

const clamp01 = (t: number) => (t <= 0 ? 0 : t >= 1 ? 1 : t);

/** Anchors of a perceptually ordered dark-to-bright scale (matplotlib's "inferno", 9 samples). */
const INFERNO: [number, number, number][] = [
  [0, 0, 4],
  [31, 12, 72],
  [85, 15, 109],
  [136, 34, 106],
  [186, 54, 85],
  [227, 89, 51],
  [249, 140, 10],
  [249, 201, 50],
  [252, 255, 164],
];

/** Sequential colour of t ∈ [0, 1] (the F heatmap). */
export function heatColor(t: number): [number, number, number] {
  const x = clamp01(Number.isFinite(t) ? t : 0) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(x));
  const f = x - i;
  const a = INFERNO[i];
  const b = INFERNO[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/**
 * Colour of the F heatmap at heat = F / max F: a square-root scale, so the weaker regions (e.g. hats, which
 * come in every colour) stay visible beside the strongest; the bar's midpoint stands for F = max F / 4.
 */
export const evidenceColor = (heat: number): [number, number, number] =>
  heatColor(Math.sqrt(Math.max(0, heat)));

export const SALIENCY_TOWARDS_RGB: [number, number, number] = [220, 38, 38];
export const SALIENCY_AGAINST_RGB: [number, number, number] = [37, 99, 235];

/** |v| below this share of the strongest pixel is drawn fully transparent: weak evidence does not tint the image. */
export const SALIENCY_FLOOR = 0.15;

/**
 * Overlay colour of v ∈ [-1, 1]: red for evidence towards, blue against, transparent up to SALIENCY_FLOOR; the
 * opacity then grows with |v| up to `maxAlpha`, so the image stays visible underneath.
 */
export function saliencyColor(v: number, maxAlpha = 0.7): [number, number, number, number] {
  const m = clamp01(Math.abs(Number.isFinite(v) ? v : 0));
  const rgb = v >= 0 ? SALIENCY_TOWARDS_RGB : SALIENCY_AGAINST_RGB;
  const strength = m <= SALIENCY_FLOOR ? 0 : (m - SALIENCY_FLOOR) / (1 - SALIENCY_FLOOR);
  return [rgb[0], rgb[1], rgb[2], Math.round(255 * maxAlpha * strength)];
}
