import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceColor } from '../../../src-shared/evidence';
import { encodePngSync } from '../dataset/png-encode';
import type { StoredClassEvidence } from '../store/class-evidence';
import { classMap, classMean, EVIDENCE_PERCENTILE, heatOf, mappedClasses } from './class-evidence';
import { selectPercentileMask } from './select-percentile';

/** Figures are drawn with whole-pixel blocks at least this large on their longer side. */
const MIN_SIDE = 256;
const GAP = 4;
const MASK_RGB = [250, 204, 21];

interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

function upscale(img: Rgb, s: number): Rgb {
  const out = new Uint8Array(img.width * s * img.height * s * 3);
  for (let y = 0; y < img.height * s; y++)
    for (let x = 0; x < img.width * s; x++) {
      const src = (Math.floor(y / s) * img.width + Math.floor(x / s)) * 3;
      out.set(img.data.subarray(src, src + 3), (y * img.width * s + x) * 3);
    }
  return { width: img.width * s, height: img.height * s, data: out };
}

function paint(w: number, h: number, colour: (p: number) => ArrayLike<number>): Rgb {
  const data = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) data.set(colour(p), p * 3);
  return { width: w, height: h, data };
}

/** Panels side by side on a white background. */
function row(panels: Rgb[]): Rgb {
  const height = Math.max(...panels.map((p) => p.height));
  const width = panels.reduce((a, p) => a + p.width, 0) + GAP * (panels.length - 1);
  const data = new Uint8Array(width * height * 3).fill(255);
  let x0 = 0;
  for (const p of panels) {
    for (let y = 0; y < p.height; y++)
      data.set(p.data.subarray(y * p.width * 3, (y + 1) * p.width * 3), (y * width + x0) * 3);
    x0 += p.width + GAP;
  }
  return { width, height, data };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'class';

const gray = (v: number) => {
  const g = Math.max(0, Math.min(255, Math.round(v)));
  return [g, g, g];
};

/**
 * Writes, per mapped class, `evidence-<id>-<name>-f.png` (the F heatmap), `…-mask.png` (the top-percentile
 * pixels over the mean image of the dataset) and `…-panel.png` (class mean | mean of the rest | F | mask).
 * Returns the paths written.
 */
export function writeEvidenceFigures(
  e: StoredClassEvidence,
  classNames: string[],
  outDir: string,
  percentile = EVIDENCE_PERCENTILE,
): string[] {
  mkdirSync(outDir, { recursive: true });
  const { width: w, height: h } = e;
  const P = w * h;
  const scale = Math.max(1, Math.ceil(MIN_SIDE / Math.max(w, h)));
  const total = e.counts.reduce((a, b) => a + b, 0);
  const datasetMean = new Float64Array(P);
  e.counts.forEach((n, c) => {
    const m = classMean(e, c);
    for (let p = 0; p < P; p++) datasetMean[p] += (m[p] * n) / Math.max(1, total);
  });
  const written: string[] = [];
  const save = (name: string, img: Rgb) => {
    const file = join(outDir, name);
    // Written beside and renamed, so a reader never sees half a PNG.
    writeFileSync(`${file}.tmp`, encodePngSync(img.data, img.width, img.height, 3));
    renameSync(`${file}.tmp`, file);
    written.push(file);
  };
  for (const c of mappedClasses(e)) {
    const f = classMap(e, c);
    const heat = heatOf(f);
    const mask = selectPercentileMask(f, percentile);
    const mean = classMean(e, c);
    const restCount = total - (e.counts[c] ?? 0);
    const rest = Float64Array.from(datasetMean, (v, p) =>
      restCount > 0 ? (v * total - mean[p] * (e.counts[c] ?? 0)) / restCount : 0,
    );
    const heatImg = upscale(
      paint(w, h, (p) => evidenceColor(heat[p])),
      scale,
    );
    const maskImg = upscale(
      paint(w, h, (p) => (mask[p] ? MASK_RGB : gray(datasetMean[p] * 0.6))),
      scale,
    );
    const base = `evidence-${c}-${slug(classNames[c] ?? `class ${c}`)}`;
    save(`${base}-f.png`, heatImg);
    save(`${base}-mask.png`, maskImg);
    save(
      `${base}-panel.png`,
      row([
        upscale(
          paint(w, h, (p) => gray(mean[p])),
          scale,
        ),
        upscale(
          paint(w, h, (p) => gray(rest[p])),
          scale,
        ),
        heatImg,
        maskImg,
      ]),
    );
  }
  return written;
}
