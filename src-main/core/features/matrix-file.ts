import { closeSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { EmbeddingMatrix } from './linalg';

/**
 * The embedding matrix as the parent hands it to worker processes: `<base>.f16` (n × dim float16 bits,
 * row-major, no padding) and `<base>.json` ({ n, dim }). Written chunk by chunk, so the parent never holds it whole.
 */
export function writeMatrixFile(
  base: string,
  n: number,
  dim: number,
  forEachChunk: (fn: (first: number, rows: Uint16Array) => void) => void,
): void {
  const fd = openSync(`${base}.f16`, 'w');
  let written = 0;
  try {
    forEachChunk((first, rows) => {
      const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
      writeSync(fd, bytes, 0, bytes.length, first * dim * 2);
      written += rows.length;
    });
  } finally {
    closeSync(fd);
  }
  if (written !== n * dim) throw new Error(`embedding matrix incomplete: ${written / dim} of ${n} rows`);
  writeFileSync(`${base}.json`, JSON.stringify({ n, dim }));
}

/** Reads `<base>.f16` straight into a wasm matrix (rows padded to the kernels' stride where dim needs it). */
export function loadMatrixFile(base: string): EmbeddingMatrix {
  const { n, dim } = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { n: number; dim: number };
  const fd = openSync(`${base}.f16`, 'r');
  try {
    return EmbeddingMatrix.create(n, dim, (rows, stride) => {
      const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
      const readAll = (dst: number, length: number, position: number) => {
        for (let done = 0; done < length;) {
          const got = readSync(fd, bytes, dst + done, length - done, position + done);
          if (got === 0) throw new Error(`${base}.f16 is shorter than ${n} × ${dim} values`);
          done += got;
        }
      };
      if (stride === dim) readAll(0, n * dim * 2, 0);
      else for (let i = 0; i < n; i++) readAll(i * stride * 2, dim * 2, i * dim * 2);
    });
  } finally {
    closeSync(fd);
  }
}
