import sharp from 'sharp';
import type { Channels, PixelTarget } from './decode';
import { MAX_INPUT_PIXELS } from './decode';
import { readEntryBytes } from './read-entry';
import type { DatasetListing } from './source-types';

/** Default model input side when the images' own size cannot be used. */
export const DEFAULT_INPUT_SIZE = 64;
/** Largest own size used as-is; bigger images are brought down to the default. */
export const MAX_OWN_SIZE = 128;
const PROBE_HEAD = 16;
const PROBE_SPREAD = 48;

/** Indices probed to choose size and channels: the first 16 plus 48 spread evenly over the dataset. */
export function probeIndices(n: number): number[] {
  const picks = new Set<number>();
  for (let i = 0; i < Math.min(n, PROBE_HEAD); i++) picks.add(i);
  for (let k = 0; k < PROBE_SPREAD && n > 0; k++) picks.add(Math.floor(((k + 0.5) * n) / PROBE_SPREAD));
  return [...picks].sort((a, b) => a - b);
}

interface Probe {
  width: number;
  height: number;
  gray: boolean;
}

/**
 * The model input when the user does not fix it. Size: the images' own size when every probed image
 * has the same one and it is at most 128 px per side, else 64×64. Channels ('auto'): 1 when every probed
 * image is stored as grayscale (1 channel, or gray + alpha), else 3. Undecodable probes are ignored
 * (the import reports them). IDX images are 8-bit grayscale by definition.
 */
export async function chooseInputShape(
  listing: DatasetListing,
  opts: { inputSize?: number; channels?: Channels | 'auto' },
): Promise<PixelTarget> {
  const wanted = opts.channels ?? 'auto';
  let probes: Probe[];
  if (listing.format === 'idx') {
    probes = [{ width: listing.images.width, height: listing.images.height, gray: true }];
  } else {
    const found = await Promise.all(probeIndices(listing.entries.length).map((i) => probeFile(listing, i)));
    probes = found.filter((p): p is Probe => p !== null);
  }
  const channels: Channels =
    wanted !== 'auto' ? wanted : probes.length > 0 && probes.every((p) => p.gray) ? 1 : 3;
  if (opts.inputSize !== undefined) {
    if (!Number.isInteger(opts.inputSize) || opts.inputSize < 8 || opts.inputSize > 512) {
      throw new Error(`input size must be an integer from 8 to 512, got ${opts.inputSize}`);
    }
    return { width: opts.inputSize, height: opts.inputSize, channels };
  }
  const first = probes[0];
  const uniform =
    first !== undefined &&
    probes.every((p) => p.width === first.width && p.height === first.height) &&
    Math.max(first.width, first.height) <= MAX_OWN_SIZE;
  return uniform
    ? { width: first.width, height: first.height, channels }
    : { width: DEFAULT_INPUT_SIZE, height: DEFAULT_INPUT_SIZE, channels };
}

async function probeFile(listing: DatasetListing & { format: 'seed' | 'imagefolder' | 'csv' }, i: number) {
  try {
    const meta = await sharp(readEntryBytes(listing, i), { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (!width || !height) return null;
    const colour = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
    const gray = colour === 1 || meta.space === 'b-w' || meta.space === 'grey16';
    return { width, height, gray };
  } catch {
    return null;
  }
}
