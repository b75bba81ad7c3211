/** Typed arrays <-> SQLite BLOBs, copying so the result never aliases a Buffer pool. */
export const float32ToBlob = (a: Float32Array): Buffer =>
  Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
export const int32ToBlob = (a: Int32Array): Buffer =>
  Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

export function blobToFloat32(b: Buffer): Float32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
}

export function blobToInt32(b: Buffer): Int32Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Int32Array(copy.buffer);
}
