import sharp from 'sharp';
import type { RawImage } from './decode';
import { BROWSER_IMAGE_MIMES, sniffImageMime } from './image-mime';

/** Longest side of a UI thumbnail. */
export const THUMB_MAX_SIDE = 128;
/** Small originals up to this size are their own thumbnail (no re-encode; the fastest path). */
const REUSE_MAX_BYTES = 48 * 1024;

export interface Thumbnail {
  data: Uint8Array;
  mime: string;
}

/**
 * Thumbnail of a decoded image: the original bytes when the original is already small (≤ 128 px, a
 * format every browser shows, ≤ 48 KB), else WebP of at most 128 px per side, from the pixels decoded for
 * the model (so nothing is decoded twice).
 */
export async function makeThumbnail(raw: RawImage, original?: Uint8Array): Promise<Thumbnail> {
  if (
    original &&
    original.length <= REUSE_MAX_BYTES &&
    Math.max(raw.origWidth, raw.origHeight) <= THUMB_MAX_SIDE
  ) {
    const mime = sniffImageMime(original);
    if (mime && BROWSER_IMAGE_MIMES.has(mime)) return { data: original, mime };
  }
  let img = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  if (Math.max(raw.width, raw.height) > THUMB_MAX_SIDE) {
    img = img.resize({ width: THUMB_MAX_SIDE, height: THUMB_MAX_SIDE, fit: 'inside' });
  }
  return { data: await img.webp({ quality: 80 }).toBuffer(), mime: 'image/webp' };
}
