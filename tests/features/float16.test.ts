import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, toHalfBits } from '../../src-main/core/features/float16';

const fixture = JSON.parse(
  readFileSync(new URL('../data/features/float16-numpy.json', import.meta.url), 'utf8'),
) as {
  f32bits: number[];
  f16bits: number[];
};

describe('float16', () => {
  it('rounds every float32 exactly as numpy casts it (nearest, ties to even, subnormals, overflow)', () => {
    const values = new Float32Array(Uint32Array.from(fixture.f32bits).buffer);
    const got = encodeFloat16(values);
    const mismatches = fixture.f16bits.filter((h, i) => got[i] !== h).length;
    expect(mismatches).toBe(0);
  });

  it('round-trips every half value exactly', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const decoded = decodeFloat16(all);
    const back = encodeFloat16(decoded);
    for (let h = 0; h < 65536; h++) {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (isNaN) expect(Number.isNaN(decoded[h])).toBe(true);
      else if (back[h] !== h)
        throw new Error(`half 0x${h.toString(16)} came back as 0x${back[h].toString(16)}`);
    }
  });

  it('keeps embedding-scale values within half an ulp (relative error ≤ 2^-11)', () => {
    for (const v of [0.001, 0.37, 1.4335, 5.999, 6]) {
      const h = decodeFloat16(Uint16Array.of(toHalfBits(v)))[0];
      expect(Math.abs(h - v) / v).toBeLessThanOrEqual(2 ** -11);
    }
  });
});
