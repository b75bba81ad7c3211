import sharp from 'sharp';
import type { MediaKind } from '../../../src-shared/api';
import type { Project } from '../store/project';
import { MAX_INPUT_PIXELS } from './decode';
import { BROWSER_IMAGE_MIMES, sniffImageMime } from './image-mime';
import { encodePngSync } from './png-encode';
import { MAX_IMAGE_FILE_BYTES } from '../limits';
import { readRegularFile, UnreadableFileError } from './regular-file';
import { resolveInsideRoot, UnsafePathError } from './safe-path';

/** Nothing to serve: no such sample, no dataset, or the file is gone. Transports answer 404. */
export class MediaNotFoundError extends Error {
  override name = 'MediaNotFoundError';
}

/**
 * Bytes of one sample for the UI. 'thumb': the stored thumbnail. 'image': the original file, read
 * only from inside the dataset folder (no `..`, no absolute path, no symlink leading out; see
 * resolveInsideRoot → UnsafePathError); formats a browser cannot show (TIFF) are converted to PNG;
 * IDX samples are PNGs of the stored pixels.
 */
export async function readSampleImage(
  project: Project,
  index: number,
  kind: MediaKind,
): Promise<{ data: Buffer; mime: string }> {
  if (!Number.isInteger(index) || index < 0) throw new MediaNotFoundError(`no sample ${index}`);
  if (kind === 'thumb') {
    const thumb = project.getThumbnail(index);
    if (!thumb) throw new MediaNotFoundError(`no thumbnail for sample ${index}`);
    return thumb;
  }
  const info = project.getDatasetInfo();
  const sample = project.getSample(index);
  if (!info || !sample) throw new MediaNotFoundError(`no sample ${index}`);
  if (info.format === 'idx') {
    const pixels = project.readSamplePixels(index);
    if (!pixels) throw new MediaNotFoundError(`no pixels for sample ${index}`);
    return {
      data: encodePngSync(pixels, info.inputWidth, info.inputHeight, info.channels),
      mime: 'image/png',
    };
  }
  let real: string;
  try {
    real = await resolveInsideRoot(info.root, sample.path);
  } catch (e) {
    if (e instanceof UnsafePathError) throw e;
    throw new MediaNotFoundError(`${sample.path} is no longer in ${info.root}`);
  }
  let data: Buffer;
  try {
    // A regular file only (never a FIFO or device swapped in), at most MAX_IMAGE_FILE_BYTES, off the event loop.
    data = await readRegularFile(real, 'image', MAX_IMAGE_FILE_BYTES);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw new MediaNotFoundError(`${sample.path}: ${e.message}`);
    throw e;
  }
  const mime = sniffImageMime(data);
  if (mime && BROWSER_IMAGE_MIMES.has(mime)) return { data, mime };
  try {
    const png = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS }).autoOrient().png().toBuffer();
    return { data: png, mime: 'image/png' };
  } catch (e) {
    throw new MediaNotFoundError(`${sample.path} is not a displayable image: ${(e as Error).message}`);
  }
}
