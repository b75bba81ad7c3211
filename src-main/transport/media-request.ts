import { MEDIA_KINDS, type MediaKind } from '../../src-shared/api';

export function isMediaKind(s: string): s is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(s);
}

/**
 * A sample index as written in a media URL: plain decimal digits, no sign, exponent, fraction,
 * leading zeros or encoding, at most 15 digits (a safe integer). Anything else is null.
 */
export function parseMediaIndex(raw: string): number | null {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}

/** `<kind>/<index>` from raw (undecoded) path segments, or null when they are not exactly that. */
export function parseMediaSegments(kind: string, index: string): { kind: MediaKind; index: number } | null {
  const n = parseMediaIndex(index);
  return isMediaKind(kind) && n !== null ? { kind, index: n } : null;
}
