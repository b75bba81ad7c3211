/**
 * Per-pixel univariate F statistic (one-way ANOVA), streamed over a dataset: scikit-learn's `f_classif`
 * (sklearn.feature_selection._univariate_selection.f_oneway) for each class against the rest.
 *
 * For two groups g ∈ {rest, class} with n_g images and per-pixel sums S_g and sums of squares Q_g:
 *   sstot = ΣQ_g − (ΣS_g)² / n,  ssbn = Σ S_g²/n_g − (ΣS_g)² / n,  sswn = sstot − ssbn
 *   F = (ssbn / (2 − 1)) / (sswn / (n − 2))
 * The pixels are integers, so every sum below 2⁵³ is exact and the operations run in the order sklearn
 * runs them: the result is bit-for-bit the F that `f_classif(X.astype(float64), y == c)` returns
 * (0/0 → NaN for a pixel constant over the whole dataset, x/0 → ∞ for one constant within both groups).
 */

/** Grayscale of one RGB pixel as Pillow's `convert('L')` computes it (ITU-R 601-2 luma, rounded). */
export const luma = (r: number, g: number, b: number): number =>
  (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;

/** Grayscale copy of one HWC image of 1 or 3 channels. */
export function toGray(
  image: Uint8Array,
  channels: 1 | 3,
  out: Uint8Array = new Uint8Array(image.length / channels),
): Uint8Array {
  if (channels === 1) {
    out.set(image);
    return out;
  }
  for (let p = 0, i = 0; p < out.length; p++, i += 3) out[p] = luma(image[i], image[i + 1], image[i + 2]);
  return out;
}

/** Per-class pixel sums of a dataset, fed one image at a time. */
export class FStatAccumulator {
  readonly counts: Float64Array;
  private readonly sums: Float64Array[];
  private readonly squares: Float64Array[];
  private readonly gray: Uint8Array;

  constructor(
    readonly numClasses: number,
    readonly numPixels: number,
    readonly channels: 1 | 3 = 1,
  ) {
    if (!Number.isInteger(numClasses) || numClasses < 2)
      throw new Error(`need at least 2 classes, got ${numClasses}`);
    this.counts = new Float64Array(numClasses);
    this.sums = Array.from({ length: numClasses }, () => new Float64Array(numPixels));
    this.squares = Array.from({ length: numClasses }, () => new Float64Array(numPixels));
    this.gray = new Uint8Array(numPixels);
  }

  /** Adds one HWC image (numPixels × channels bytes) with its class. */
  add(image: Uint8Array, label: number): void {
    if (!Number.isInteger(label) || label < 0 || label >= this.numClasses)
      throw new Error(`label ${label} is outside 0..${this.numClasses - 1}`);
    if (image.length !== this.numPixels * this.channels)
      throw new Error(`image has ${image.length} bytes, expected ${this.numPixels * this.channels}`);
    const g = toGray(image, this.channels, this.gray);
    const s = this.sums[label];
    const q = this.squares[label];
    for (let p = 0; p < g.length; p++) {
      const v = g[p];
      s[p] += v;
      q[p] += v * v;
    }
    this.counts[label]++;
  }

  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /**
   * F of class `c` against all other classes, per pixel. All-NaN when either group is empty or when there
   * are only two images (no degree of freedom left within the groups).
   */
  oneVsRest(c: number): Float64Array {
    const P = this.numPixels;
    const f = new Float64Array(P);
    const n = this.total;
    const nc = this.counts[c];
    const nr = n - nc;
    if (nc === 0 || nr === 0 || n <= 2) return f.fill(Number.NaN);
    const sc = this.sums[c];
    const qc = this.squares[c];
    const dfwn = n - 2;
    for (let p = 0; p < P; p++) {
      let sAll = 0;
      let qAll = 0;
      for (let k = 0; k < this.numClasses; k++) {
        sAll += this.sums[k][p];
        qAll += this.squares[k][p];
      }
      // sklearn's group order is np.unique(y == c): [False (the rest), True (class c)].
      const sRest = sAll - sc[p];
      const qRest = qAll - qc[p];
      const ssAll = 0 + qRest + qc[p];
      const squareOfSumsAll = (0 + sRest + sc[p]) ** 2;
      const sstot = ssAll - squareOfSumsAll / n;
      let ssbn = 0.0;
      ssbn += sRest ** 2 / nr;
      ssbn += sc[p] ** 2 / nc;
      ssbn -= squareOfSumsAll / n;
      const sswn = sstot - ssbn;
      const msb = ssbn / 1;
      const msw = sswn / dfwn;
      f[p] = msb / msw;
    }
    return f;
  }

  /** Mean grayscale image of class c (for figures). */
  classMean(c: number): Float64Array {
    const n = this.counts[c];
    return Float64Array.from(this.sums[c], (s) => (n > 0 ? s / n : 0));
  }
}
