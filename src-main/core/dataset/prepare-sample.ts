import { sha1Hex } from './content-hash';
import { decodeImage, toModelPixels, type PixelTarget, type RawImage } from './decode';
import { encodePngSync } from './png-encode';
import { THUMB_MAX_SIDE, makeThumbnail, type Thumbnail } from './thumbnail';

/** Everything the store keeps of one image. */
export interface PreparedSample {
  pixels: Uint8Array;
  /** Original size. */
  width: number;
  height: number;
  hash: string;
  thumbnail: Thumbnail;
}

/** Decodes an image file once and derives model pixels, thumbnail and hash from it. */
export async function prepareImageFile(
  bytes: Uint8Array,
  target: PixelTarget,
  opts: { jsFastPath?: boolean } = {},
): Promise<PreparedSample> {
  const maxSide = Math.max(THUMB_MAX_SIDE, target.width, target.height);
  const raw = await decodeImage(bytes, { maxSide, channels: target.channels, jsFastPath: opts.jsFastPath });
  const [pixels, thumbnail] = await Promise.all([toModelPixels(raw, target), makeThumbnail(raw, bytes)]);
  return { pixels, width: raw.origWidth, height: raw.origHeight, hash: sha1Hex(bytes), thumbnail };
}

/** An IDX image (raw 8-bit grayscale): hash of its pixel bytes, PNG thumbnail. */
export async function prepareGrayPixels(
  gray: Uint8Array,
  width: number,
  height: number,
  target: PixelTarget,
): Promise<PreparedSample> {
  const raw: RawImage = { data: gray, width, height, channels: 1, origWidth: width, origHeight: height };
  const thumbnail: Thumbnail | Promise<Thumbnail> =
    Math.max(width, height) <= THUMB_MAX_SIDE
      ? { data: encodePngSync(gray, width, height, 1), mime: 'image/png' }
      : makeThumbnail(raw);
  const [pixels, thumb] = await Promise.all([toModelPixels(raw, target), thumbnail]);
  return { pixels, width, height, hash: sha1Hex(gray), thumbnail: thumb };
}
