import { describe, expect, it } from 'vitest';
import type { ApiInput, ApiOutputs } from '../../src-shared/api';
import type { SaliencyOverlay } from '../../src-shared/evidence';
import {
  SaliencyOverlayController,
  type OverlayApi,
  type OverlayView,
} from '../../src-renderer/review/saliency-overlay';

/** A fake API whose explainSample calls wait until the test answers them. */
function fakeApi() {
  const calls: { input: ApiInput<'explainSample'>; answer: (r: ApiOutputs['explainSample']) => void }[] = [];
  const cancelled: string[] = [];
  const api: OverlayApi = {
    explainSample: (input) => new Promise((resolve) => calls.push({ input, answer: resolve })),
    cancelExplain: async ({ requestId }) => {
      cancelled.push(requestId);
      return { cancelled: true };
    },
  };
  return { api, calls, cancelled };
}

const overlay = (sampleIndex: number): SaliencyOverlay => ({
  runId: 1,
  sampleIndex,
  fold: 0,
  method: 'gradient-x-input',
  towards: 0,
  against: 1,
  width: 2,
  height: 1,
  values: [1, -0.5],
  scale: 2,
  logOdds: 1.5,
  computeMs: 40,
  cached: false,
});
const target = (sampleIndex: number) => ({ runId: 1, sampleIndex, towards: 0, against: 1 });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('SaliencyOverlayController', () => {
  it('asks for nothing while the overlay is off; toggling on explains the image on screen', async () => {
    const { api, calls } = fakeApi();
    let n = 0;
    const c = new SaliencyOverlayController(api, () => `r${n++}`);
    const views: OverlayView['state'][] = [];
    c.subscribe((v) => views.push(v.state));
    c.show(target(5));
    expect(calls).toHaveLength(0);
    c.toggle();
    expect(calls.map((x) => x.input)).toEqual([{ ...target(5), requestId: 'r0' }]);
    calls[0].answer(overlay(5));
    await flush();
    expect(c.view).toEqual({ state: 'ready', target: target(5), overlay: overlay(5) });
    expect(views).toEqual(['off', 'loading', 'ready']);
    c.toggle();
    expect(c.view.state).toBe('off');
  });

  it('cancels the request when the annotator moves on, and drops its late answer', async () => {
    const { api, calls, cancelled } = fakeApi();
    let n = 0;
    const c = new SaliencyOverlayController(api, () => `r${n++}`);
    c.setVisible(true);
    c.show(target(1));
    c.show(target(2)); // moved on before the first overlay came back
    expect(cancelled).toEqual(['r0']);
    expect(calls.map((x) => x.input.sampleIndex)).toEqual([1, 2]);
    calls[0].answer(overlay(1)); // the late answer for image 1
    await flush();
    expect(c.view).toEqual({ state: 'loading', target: target(2) });
    calls[1].answer(overlay(2));
    await flush();
    expect(c.view.state === 'ready' && c.view.overlay.sampleIndex).toBe(2);
    // The same image again changes nothing; turning the overlay off cancels nothing that is finished.
    c.show(target(2));
    c.setVisible(false);
    expect(calls).toHaveLength(2);
    expect(cancelled).toEqual(['r0']);
  });

  it('turning the overlay off or leaving the page cancels what is in flight', () => {
    const { api, cancelled } = fakeApi();
    let n = 0;
    const c = new SaliencyOverlayController(api, () => `r${n++}`);
    c.show(target(1));
    c.toggle();
    c.toggle();
    expect(cancelled).toEqual(['r0']);
    c.toggle();
    c.dispose();
    expect(cancelled).toEqual(['r0', 'r1']);
  });

  it('shows why an overlay is unavailable, and errors, for the image they belong to', async () => {
    const { api, calls } = fakeApi();
    const c = new SaliencyOverlayController(api);
    c.setVisible(true);
    expect(c.view.state).toBe('waiting');
    c.show(target(3));
    calls[0].answer({ unavailable: 'run #1 holds probabilities imported from a file' });
    await flush();
    expect(c.view).toEqual({
      state: 'unavailable',
      target: target(3),
      message: 'run #1 holds probabilities imported from a file',
    });
    const failing: OverlayApi = {
      explainSample: () => Promise.reject(new Error('image index 9 does not exist')),
      cancelExplain: async () => ({ cancelled: false }),
    };
    const d = new SaliencyOverlayController(failing);
    d.setVisible(true);
    d.show(target(9));
    await flush();
    expect(d.view).toEqual({ state: 'error', target: target(9), message: 'image index 9 does not exist' });
  });
});
