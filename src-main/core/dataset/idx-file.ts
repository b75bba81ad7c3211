import { constants as bufferConstants } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip, constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DEFAULT_LIMITS } from '../limits';
import { excerpt } from '../quote';
import { readRegularFile } from './regular-file';

/** An IDX array of unsigned bytes (the only element type the MNIST family uses). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Reads an IDX file (a regular file of at most `maxFileBytes`, off the event loop), gunzipping it — also off the
 * event loop — when it starts with the gzip magic (whatever its name says).
 */
export async function readIdxFile(
  file: string,
  expectedDims: 1 | 3,
  maxFileBytes = DEFAULT_LIMITS.maxFileBytes,
): Promise<IdxArray> {
  let bytes = await readRegularFile(file, 'IDX file', maxFileBytes);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzipBounded(bytes, file, expectedDims);
  return parseIdx(bytes, file, expectedDims);
}

const gunzipAsync = promisify(gunzip);

/**
 * Inflates a gzipped IDX file no further than its own header announces, so a small "zip bomb" is refused
 * after reading its header instead of being inflated into gigabytes first.
 */
async function gunzipBounded(bytes: Buffer, file: string, expectedDims: 1 | 3): Promise<Buffer> {
  const headerBytes = 4 + 4 * expectedDims;
  let head: Buffer;
  try {
    // Deflate expands at most ~1032:1, so inflating a 4 KiB prefix stays small (and quick) whatever the file holds.
    head = gunzipSync(bytes.subarray(0, 4096), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (e) {
    throw new Error(`${file} is a truncated or corrupt gzip file (${excerpt((e as Error).message)})`);
  }
  if (head.length < headerBytes) {
    throw new Error(`${file} is a truncated or corrupt gzip file (it ends inside the IDX header)`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size = 1;
  for (let i = 0; i < expectedDims; i++) size *= view.getUint32(4 + 4 * i);
  size += headerBytes;
  if (size > bufferConstants.MAX_LENGTH) {
    throw new Error(`${file}: its IDX header announces ${size} bytes, more than this program can hold`);
  }
  try {
    return await gunzipAsync(bytes, { maxOutputLength: size + 1 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new Error(
        `${file} inflates to more data than its IDX header announces (${size} bytes); refusing it`,
      );
    }
    throw new Error(`${file} is a truncated or corrupt gzip file (${excerpt((e as Error).message)})`);
  }
}

export function parseIdx(bytes: Uint8Array, file: string, expectedDims: 1 | 3): IdxArray {
  const expectedMagic = `0x000008${expectedDims.toString(16).padStart(2, '0')}`;
  if (bytes.length < 4) throw new Error(`${file} is too short to be an IDX file (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== UBYTE || bytes[3] !== expectedDims) {
    throw new Error(
      `${file} is not an IDX ${expectedDims === 3 ? 'image' : 'label'} file: magic 0x${magic.toString(16).padStart(8, '0')}, expected ${expectedMagic}`,
    );
  }
  const headerBytes = 4 + 4 * expectedDims;
  if (bytes.length < headerBytes) throw new Error(`${file} is truncated inside its header`);
  const dims = Array.from({ length: expectedDims }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const present = bytes.length - headerBytes;
  if (present < size) {
    throw new Error(
      `${file} is truncated: its header says ${dims.join('×')} = ${size} bytes of data, only ${present} are present`,
    );
  }
  if (present > size) {
    throw new Error(
      `${file} has ${present - size} bytes after the ${dims.join('×')} data its header announces`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
