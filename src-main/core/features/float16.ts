/**
 * IEEE 754 half precision, for storing embeddings at half the size of float32 (Node 20 has no Float16Array).
 * Encoding rounds to nearest, ties to even, exactly as numpy's float32 → float16 cast; decoding is exact.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The half-precision bit pattern nearest to `value` (numpy's npy_floatbits_to_halfbits). */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const f = u32[0];
  const sign = (f >>> 16) & 0x8000;
  const exp = f & 0x7f800000;
  if (exp >= 0x47800000) {
    if (exp === 0x7f800000 && (f & 0x7fffff) !== 0) {
      const nan = 0x7c00 + ((f & 0x7fffff) >>> 13);
      return sign + (nan === 0x7c00 ? nan + 1 : nan);
    }
    return sign + 0x7c00; // ±inf, or overflow to ±inf
  }
  if (exp <= 0x38000000) {
    if (exp < 0x33000000) return sign; // underflows to ±0
    const e = exp >>> 23;
    let sig = (0x800000 + (f & 0x7fffff)) >>> (113 - e);
    if ((sig & 0x3fff) !== 0x1000 || (f & 0x7ff) !== 0) sig += 0x1000;
    return sign + (sig >>> 13);
  }
  const hExp = (exp - 0x38000000) >>> 13;
  let sig = f & 0x7fffff;
  if ((sig & 0x3fff) !== 0x1000) sig += 0x1000;
  return sign + ((sig >>> 13) + hExp);
}

function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

let table: Float32Array | null = null;
/** All 65536 half values as float32 (256 KiB, built on first use). */
function decodeTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfBitsToFloat(h);
  }
  return table;
}

export function encodeFloat16(src: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = toHalfBits(src[i]);
  return out;
}

export function decodeFloat16(
  src: Uint16Array,
  dst = new Float32Array(src.length),
  offset = 0,
): Float32Array {
  const t = decodeTable();
  for (let i = 0; i < src.length; i++) dst[offset + i] = t[src[i]];
  return dst;
}
