import sharp from 'sharp';
import { decodeBaselineJpeg } from './jpeg-baseline';

// Every sharp call here works on a fresh buffer: libvips' operation cache would only cost memory.
sharp.cache(false);

/** Decompression-bomb guard: images above this many pixels are refused before decoding. */
export const MAX_INPUT_PIXELS = 50_000_000;

/** Alpha is flattened onto white: transparent areas of icons and scans are paper, not ink. */
const BACKGROUND = { r: 255, g: 255, b: 255 };

export type Channels = 1 | 3;

/** The model input every image is normalised to. */
export interface PixelTarget {
  width: number;
  height: number;
  channels: Channels;
}

/** Decoded 8-bit pixels (HWC), already oriented and without alpha, plus the original size. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: Channels;
  origWidth: number;
  origHeight: number;
}

/** An image that cannot be used: not an image, corrupt, truncated, too large. */
export class BadImageError extends Error {
  override name = 'BadImageError';
}

/**
 * Decodes once to at most `maxSide` pixels per side (JPEG/WebP shrink on load makes big images cheap),
 * honouring EXIF orientation, flattening alpha onto white, converting to `channels` (RGB → Rec. 601 luma,
 * or gray replicated to RGB). Small plain JPEGs take a pure-JS path with identical output (jpeg-baseline).
 */
export async function decodeImage(
  bytes: Uint8Array,
  opts: { maxSide: number; channels: Channels; jsFastPath?: boolean },
): Promise<RawImage> {
  if (bytes.length === 0) throw new BadImageError('empty file');
  const fast =
    opts.jsFastPath !== false && bytes[0] === 0xff && bytes[1] === 0xd8
      ? decodeBaselineJpeg(bytes, opts.maxSide)
      : null;
  if (fast) {
    const { width, height } = fast;
    const data = convertChannels(fast.data, fast.channels, opts.channels);
    return { data, width, height, channels: opts.channels, origWidth: width, origHeight: height };
  }
  try {
    const img = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .autoOrient()
      .resize({ width: opts.maxSide, height: opts.maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: BACKGROUND });
    // Always sRGB out of sharp; the channel conversion happens in JS so both decode paths agree.
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    let origWidth = info.width;
    let origHeight = info.height;
    if (Math.max(info.width, info.height) >= opts.maxSide) {
      // Shrunk (or exactly at the limit): the original size needs the header.
      const meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
      origWidth = meta.autoOrient?.width ?? meta.width ?? info.width;
      origHeight = meta.autoOrient?.height ?? meta.height ?? info.height;
    }
    const pixels = convertChannels(data, info.channels, opts.channels);
    return {
      data: pixels,
      width: info.width,
      height: info.height,
      channels: opts.channels,
      origWidth,
      origHeight,
    };
  } catch (e) {
    throw asBadImage(e);
  }
}

/** Exactly width×height×channels bytes: the image stretched to the target (`fit: 'fill'`, no letterbox). */
export async function toModelPixels(raw: RawImage, target: PixelTarget): Promise<Uint8Array> {
  let data = raw.data;
  let channels: number = raw.channels;
  if (raw.width !== target.width || raw.height !== target.height) {
    const out = await sharp(raw.data, {
      raw: { width: raw.width, height: raw.height, channels: raw.channels },
    })
      .resize(target.width, target.height, { fit: 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    data = out.data;
    channels = out.info.channels;
  }
  const pixels = convertChannels(data, channels, target.channels);
  const expected = target.width * target.height * target.channels;
  if (pixels.length !== expected)
    throw new Error(`internal: ${pixels.length} pixel bytes, expected ${expected}`);
  return pixels;
}

/**
 * Model-input pixels of an encoded image, HWC uint8, exactly width×height×channels bytes. The image is
 * stretched to the target size (`fit: 'fill'`): the model sees every pixel of the original, at the cost of
 * distorting aspect ratios, which keeps small datasets of same-sized images lossless.
 */
export async function normalizeImage(
  buffer: Uint8Array,
  target: PixelTarget,
): Promise<{ pixels: Uint8Array; origWidth: number; origHeight: number }> {
  const raw = await decodeImage(buffer, {
    maxSide: Math.max(target.width, target.height),
    channels: target.channels,
  });
  return { pixels: await toModelPixels(raw, target), origWidth: raw.origWidth, origHeight: raw.origHeight };
}

/** 1 ↔ 3 channels in JS (gray replicated; RGB → Rec. 601 luma); drops a 4th channel if one slipped through. */
export function convertChannels(data: Uint8Array, from: number, to: Channels): Uint8Array {
  if (from === to) return toPlainBytes(data);
  const n = data.length / from;
  const out = new Uint8Array(n * to);
  if (to === 3) {
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const v = data[i * from];
      if (from === 1 || from === 2) {
        out[o] = out[o + 1] = out[o + 2] = v;
      } else {
        out[o] = data[i * from];
        out[o + 1] = data[i * from + 1];
        out[o + 2] = data[i * from + 2];
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = i * from;
      out[i] = from < 3 ? data[p] : Math.round(0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]);
    }
  }
  return out;
}

/** A Uint8Array view over exactly the bytes (sharp returns Buffers; the store wants plain bytes). */
const toPlainBytes = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function asBadImage(e: unknown): Error {
  if (e instanceof BadImageError) return e;
  const msg = (e as Error).message ?? String(e);
  if (/pixel limit/i.test(msg)) {
    return new BadImageError(
      `image is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels (decompression-bomb guard); downscale it first`,
    );
  }
  if (/unsupported image format/i.test(msg))
    return new BadImageError('not an image (unsupported or unknown format)');
  return new BadImageError(`corrupt or truncated image (${msg.split('\n')[0]})`);
}
