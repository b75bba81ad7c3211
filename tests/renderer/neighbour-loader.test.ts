import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NeighboursResult } from '../../src-shared/api';
import { NeighbourLoader, type NeighbourView } from '../../src-renderer/review/neighbour-loader';

const answer = (sampleIndex: number, status: NeighboursResult['status'] = 'ok'): NeighboursResult => ({
  sampleIndex,
  status,
  message: null,
  backbone: 'b',
  neighbours: [],
});

afterEach(() => vi.useRealTimers());

describe('neighbour loader', () => {
  it('fetches only after the image has been shown for a moment; paging on cancels the pending fetch', async () => {
    vi.useFakeTimers();
    const fetched: number[] = [];
    const views: NeighbourView[] = [];
    const loader = new NeighbourLoader(
      async (i) => (fetched.push(i), answer(i)),
      (v) => views.push(v),
      150,
    );
    loader.show(1);
    loader.show(2); // the annotator moved on before 150 ms
    expect(fetched).toEqual([]);
    await vi.advanceTimersByTimeAsync(149);
    expect(fetched).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetched).toEqual([2]);
    expect(views.at(-1)).toEqual({ status: 'ready', result: answer(2) });
  });

  it('drops an answer for an image no longer shown, and a superseded answer', async () => {
    vi.useFakeTimers();
    const pending = new Map<number, (r: NeighboursResult) => void>();
    const views: NeighbourView[] = [];
    const loader = new NeighbourLoader(
      (i) => new Promise((resolve) => pending.set(i, resolve)),
      (v) => views.push(v),
      0,
    );
    loader.show(1);
    await vi.advanceTimersByTimeAsync(0);
    loader.show(2);
    await vi.advanceTimersByTimeAsync(0);
    pending.get(1)!(answer(1));
    pending.get(2)!(answer(2, 'superseded'));
    await vi.advanceTimersByTimeAsync(0);
    expect(views.map((v) => v.status)).toEqual(['loading', 'loading']);
    loader.dispose();
  });

  it('reports a failed fetch for the image shown', async () => {
    vi.useFakeTimers();
    const views: NeighbourView[] = [];
    const loader = new NeighbourLoader(
      () => Promise.reject(new Error('server gone')),
      (v) => views.push(v),
      0,
    );
    loader.show(7);
    await vi.advanceTimersByTimeAsync(0);
    expect(views.at(-1)).toEqual({ status: 'error', sampleIndex: 7, message: 'server gone' });
  });
});
