import { describe, expect, it } from 'vitest';
import { computeStopSignal } from '../../src-main/core/rounds/stop-signal';
import { decileBars, recentFigure } from '../../src-renderer/review/stop-signal-chart';

describe('the stop-signal chart', () => {
  const signal = computeStopSignal({
    setId: 1,
    round: 1,
    flagged: 40,
    reviewed: [
      ...Array.from({ length: 4 }, (_, i) => ({ rank: i + 1, action: 'relabel' as const, eventId: i + 1 })),
      ...Array.from({ length: 4 }, (_, i) => ({
        rank: i + 5,
        action: i === 0 ? ('exclude' as const) : ('keep' as const),
        eventId: i + 5,
      })),
    ],
    estimatedErrors: 9,
    decisionTimes: [],
  });

  it('one bar per tenth, as tall as its hit rate, unreviewed tenths flat', () => {
    const bars = decileBars(signal.deciles, 98, 20);
    expect(bars).toHaveLength(10);
    expect(bars[0]).toMatchObject({ x: 0, width: 8, height: 20, reviewed: true });
    expect(bars[0].title).toBe('ranks 1–4: 4 errors of 4 reviewed (100%)');
    expect(bars[1]).toMatchObject({ x: 10, height: 5, reviewed: true });
    expect(bars[1].title).toBe('ranks 5–8: 1 errors of 4 reviewed (25%)');
    expect(bars[9]).toMatchObject({
      x: 90,
      height: 0,
      reviewed: false,
      title: 'ranks 37–40: not reviewed yet',
    });
    // a reviewed tenth with no errors still shows a sliver, unlike an unreviewed one
    const none = decileBars([{ ...signal.deciles[0], errors: 0, hitRate: 0 }], 10, 20);
    expect(none[0]).toMatchObject({ height: 1, reviewed: true });
  });

  it('the figure beside it', () => {
    expect(recentFigure(signal)).toBe('8 so far: 63% errors');
    expect(recentFigure({ ...signal, recent: { window: 50, reviewed: 50, errors: 6, hitRate: 0.12 } })).toBe(
      'last 50: 12% errors',
    );
    expect(recentFigure({ ...signal, recent: { window: 50, reviewed: 0, errors: 0, hitRate: null } })).toBe(
      'no decisions yet',
    );
  });
});
