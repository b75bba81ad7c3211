import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** An IDX array of unsigned bytes (the only element type the MNIST family uses). */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Reads an IDX file, gunzipping it when it starts with the gzip magic (whatever its name says). */
export function readIdxFile(file: string, expectedDims: 1 | 3): IdxArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(
      `cannot read IDX file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`${file} is a truncated or corrupt gzip file (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, file, expectedDims);
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
