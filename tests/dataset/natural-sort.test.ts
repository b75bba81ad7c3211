import { describe, expect, it } from 'vitest';
import { naturalCompare, naturalSort } from '../../src-main/core/dataset/natural-sort';

describe('naturalSort', () => {
  it('orders digit runs by value', () => {
    expect(naturalSort(['img10.jpg', 'img2.jpg', 'img1.jpg', 'img100.jpg', 'img20.jpg'])).toEqual([
      'img1.jpg',
      'img2.jpg',
      'img10.jpg',
      'img20.jpg',
      'img100.jpg',
    ]);
  });

  it('handles zero padding, prefixes and several numbers deterministically', () => {
    const names = ['a2b10', 'a2b9', 'a10b1', 'a02b9', 'b1', 'a', 'a1', '001.png', '1.png', '01.png'];
    const sorted = naturalSort(names);
    expect(sorted).toEqual([
      '001.png',
      '01.png',
      '1.png',
      'a',
      'a1',
      'a02b9',
      'a2b9',
      'a2b10',
      'a10b1',
      'b1',
    ]);
    // Total order: the same result whatever the input order.
    expect(naturalSort([...names].reverse())).toEqual(sorted);
  });

  it('compares huge digit runs without overflow', () => {
    expect(naturalCompare('x99999999999999999999999', 'x100000000000000000000000')).toBeLessThan(0);
    expect(naturalCompare('same', 'same')).toBe(0);
  });

  it('matches plain order for zero-padded names', () => {
    const padded = Array.from({ length: 50 }, (_, i) => `${String(i + 1).padStart(6, '0')}.jpg`);
    expect(naturalSort([...padded].reverse())).toEqual(padded);
  });
});
