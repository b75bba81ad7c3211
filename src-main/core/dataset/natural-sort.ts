import { sortCooperatively } from '../cooperative';

const CHUNK = /(\d+)|(\D+)/g;

function chunks(s: string): string[] {
  return s.match(CHUNK) ?? [];
}

const isDigits = (s: string): boolean => s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;

/** Compares two digit runs by value without parsing them (no overflow on long runs). */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Natural order for file names: digit runs compare by value (`img2.jpg` < `img10.jpg`), everything else
 * by code point (no locale, so the order is the same on every machine). Names that only differ in
 * leading zeros (`img01` vs `img1`) fall back to plain code-point order, so the order is total.
 */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ca = chunks(a);
  const cb = chunks(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === y) continue;
    const dx = isDigits(x);
    const dy = isDigits(y);
    if (dx && dy) {
      const c = compareDigits(x, y);
      if (c !== 0) return c;
    } else {
      return x < y ? -1 : 1;
    }
  }
  if (ca.length !== cb.length) return ca.length - cb.length;
  return a < b ? -1 : 1;
}

/** A naturally sorted copy (Array.prototype.sort is stable). */
export function naturalSort(names: readonly string[]): string[] {
  return [...names].sort(naturalCompare);
}

/** As `naturalSort`, in slices that let the event loop run (for the listing of a large dataset). */
export function naturalSortCooperatively(names: readonly string[]): Promise<string[]> {
  return sortCooperatively(names, naturalCompare);
}
