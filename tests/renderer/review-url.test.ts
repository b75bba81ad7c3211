/** The review's place in the URL, and the score boxes' parsing (bug 6: a typed `e` never widens the filter). */
import { describe, expect, it } from 'vitest';
import { paramsFromPlace, parseScore, placeFromParams } from '../../src-renderer/review/review-url';

describe('parseScore', () => {
  it('takes scores in [0, 1] as typed or as String(number) writes them', () => {
    for (const [text, value] of [
      ['0', 0],
      ['1', 1],
      ['0.25', 0.25],
      ['.5', 0.5],
      ['1.000', 1],
      [' 0.3 ', 0.3],
      ['5.252891099871704e-8', 5.252891099871704e-8],
      ['1E-3', 0.001],
    ] as const) {
      expect(parseScore(text), text).toEqual({ ok: true, value });
    }
    expect(parseScore('')).toEqual({ ok: true, value: undefined });
  });

  it('refuses what is not a score, a lone e included', () => {
    for (const text of ['e', '0.5e', '-0.1', '1.5', '2e-1x', 'abc', '1e1', 'Infinity', 'NaN', '0x1']) {
      expect(parseScore(text), text).toEqual({ ok: false });
    }
  });
});

describe('the review place in the URL', () => {
  it('round-trips a filter with a tiny score bound, the set and the issue', () => {
    const place = {
      filter: { status: 'undecided' as const, maxQuality: 5.252891099871704e-8, minQuality: 0 },
      setId: 3,
      at: 41,
    };
    const back = placeFromParams(paramsFromPlace(place));
    expect(back.filter).toMatchObject({
      status: 'undecided',
      maxQuality: 5.252891099871704e-8,
      minQuality: 0,
    });
    expect(back.setId).toBe(3);
    expect(back.at).toBe(41);
  });
});

describe('the issue type in the URL', () => {
  it('keeps a duplicate or outlier filter, leaves the default (label issues) out, and ignores unknown types', () => {
    for (const type of ['duplicate', 'outlier'] as const) {
      const params = paramsFromPlace({ filter: { status: 'all', type } });
      expect(params.get('type')).toBe(type);
      expect(placeFromParams(params).filter).toEqual({ status: 'all', type });
    }
    expect(paramsFromPlace({ filter: { status: 'all', type: 'label' } }).toString()).toBe('');
    expect(placeFromParams(new URLSearchParams('type=label')).filter).toEqual({ status: 'all' });
    expect(placeFromParams(new URLSearchParams('type=blurry&status=decided')).filter).toEqual({
      status: 'decided',
    });
  });
});
