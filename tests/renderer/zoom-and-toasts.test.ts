/** Zooming about a point (the review's image) and the notification stack's rules. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { anchorAt, scrollFor, type Box } from '../../src-renderer/review/zoom-anchor';
import {
  MAX_TOASTS,
  dismissToast,
  hostToasts,
  toast,
  toastHosts,
  toasts,
} from '../../src-renderer/lib/toasts.svelte';

/** An image of natural size 100×80 scaled by `s`, laid out in a 400×300 pane scrolled by `scroll`. */
function layout(s: number, scroll: { left: number; top: number }): Box {
  const w = 100 * s;
  const h = 80 * s;
  // Centred (margin: auto) while smaller than the pane, else from the content's origin.
  const left = w < 400 ? (400 - w) / 2 : 0;
  const top = h < 300 ? (300 - h) / 2 : 0;
  return { left: left - scroll.left, top: top - scroll.top, width: w, height: h };
}
const clampScroll = (s: number, to: { left: number; top: number }) => ({
  left: Math.min(Math.max(0, 100 * s - 400), Math.max(0, to.left)),
  top: Math.min(Math.max(0, 80 * s - 300), Math.max(0, to.top)),
});
/** The image point (fractions) at a pane point. */
const pointAt = (box: Box, x: number, y: number) => [(x - box.left) / box.width, (y - box.top) / box.height];

describe('zoom about a point', () => {
  it('keeps the image point at the pane centre there, zoom after zoom, and back out', () => {
    let scroll = { left: 0, top: 0 };
    let s = 3;
    const centre = { x: 200, y: 150 };
    // Pan a little off-centre first, then zoom in three times and out once.
    scroll = clampScroll(s, { left: 20, top: 10 });
    const before = pointAt(layout(s, scroll), centre.x, centre.y);
    for (const next of [6, 9, 12, 8]) {
      const anchor = anchorAt(centre, layout(s, scroll));
      s = next;
      scroll = clampScroll(s, scrollFor(anchor, scroll, layout(s, scroll)));
      const [fx, fy] = pointAt(layout(s, scroll), centre.x, centre.y);
      expect(fx).toBeCloseTo(before[0], 6);
      expect(fy).toBeCloseTo(before[1], 6);
    }
  });

  it('keeps the point under the cursor under it (the mouse wheel)', () => {
    let scroll = { left: 0, top: 0 };
    let s = 4; // 400×320: wider than tall pane allows, so it scrolls vertically only
    const cursor = { x: 330, y: 60 };
    const before = pointAt(layout(s, scroll), cursor.x, cursor.y);
    const anchor = anchorAt(cursor, layout(s, scroll));
    s = 10;
    scroll = clampScroll(s, scrollFor(anchor, scroll, layout(s, scroll)));
    const [fx, fy] = pointAt(layout(s, scroll), cursor.x, cursor.y);
    expect(fx).toBeCloseTo(before[0], 6);
    expect(fy).toBeCloseTo(before[1], 6);
    // The old behaviour (scroll left alone) would have moved it: the test tells the two apart.
    const [oldFx] = pointAt(layout(s, { left: 0, top: 0 }), cursor.x, cursor.y);
    expect(Math.abs(oldFx - before[0])).toBeGreaterThan(0.1);
  });

  it('a point beside the image anchors its nearest edge; a small image stays centred', () => {
    expect(anchorAt({ x: -50, y: 500 }, { left: 0, top: 0, width: 100, height: 100 })).toMatchObject({
      fx: 0,
      fy: 1,
    });
    const small = layout(1, { left: 0, top: 0 });
    const anchor = anchorAt({ x: 200, y: 150 }, small);
    const to = clampScroll(2, scrollFor(anchor, { left: 0, top: 0 }, layout(2, { left: 0, top: 0 })));
    expect(to).toEqual({ left: 0, top: 0 });
  });
});

describe('notifications', () => {
  afterEach(() => {
    for (const t of [...toasts]) dismissToast(t.id);
    vi.useRealTimers();
  });

  it(`show at most ${MAX_TOASTS}; the oldest non-error goes first`, () => {
    vi.useFakeTimers();
    toast('boom', 'error');
    for (let i = 1; i <= 5; i++) toast(`note ${i}`);
    expect(toasts.map((t) => t.message)).toEqual(['boom', 'note 4', 'note 5']);
    toast('bang', 'error');
    toast('crash', 'error');
    expect(toasts.map((t) => t.message)).toEqual(['boom', 'bang', 'crash']);
  });

  it('count up a repeated message instead of stacking copies, and keep it for its full time again', () => {
    vi.useFakeTimers();
    toast('Nothing to undo');
    vi.advanceTimersByTime(2000);
    toast('Nothing to undo');
    toast('Nothing to undo');
    expect(toasts.map((t) => [t.message, t.count])).toEqual([['Nothing to undo', 3]]);
    vi.advanceTimersByTime(2000);
    expect(toasts).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(toasts).toHaveLength(0);
  });

  it('a page hosting them takes them from the corner until it goes (twice releasing counts once)', () => {
    expect(toastHosts.inline).toBe(0);
    const release = hostToasts();
    expect(toastHosts.inline).toBe(1);
    release();
    release();
    expect(toastHosts.inline).toBe(0);
  });
});
