import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src-renderer/review/issue-list.svelte';
import { keyEffect, type KeyContext } from '../../src-renderer/review/key-effects';
import { ZOOM_STEP } from '../../src-renderer/review/zoom-anchor';

const single: KeyContext = { gridMode: false, pos: 120, selectedCount: 0, repeat: false };
const grid: KeyContext = { ...single, gridMode: true };

describe('what a review key does', () => {
  it('decides once per key press: a held key repeats nothing (it would decide the next issues unseen)', () => {
    expect(keyEffect({ type: 'keep' }, single)).toEqual({ type: 'decide', cmd: { type: 'keep' } });
    expect(keyEffect({ type: 'setClass', classId: 2 }, single)).toEqual({
      type: 'decide',
      cmd: { type: 'setClass', classId: 2 },
    });
    for (const cmd of [{ type: 'keep' }, { type: 'accept' }, { type: 'exclude' }] as const)
      expect(keyEffect(cmd, { ...single, repeat: true })).toBeNull();
    expect(keyEffect({ type: 'setClass', classId: 0 }, { ...single, repeat: true })).toBeNull();
  });

  it('moves one issue at a time on one issue and a page at a time in the grid, never before the first', () => {
    expect(keyEffect({ type: 'next' }, single)).toEqual({ type: 'review', input: { type: 'next' } });
    expect(keyEffect({ type: 'prev' }, single)).toEqual({ type: 'review', input: { type: 'prev' } });
    expect(keyEffect({ type: 'next' }, grid)).toEqual({
      type: 'review',
      input: { type: 'goto', pos: 120 + PAGE_SIZE },
    });
    expect(keyEffect({ type: 'prev' }, grid)).toEqual({
      type: 'review',
      input: { type: 'goto', pos: 120 - PAGE_SIZE },
    });
    expect(keyEffect({ type: 'prev' }, { ...grid, pos: 10 })).toEqual({
      type: 'review',
      input: { type: 'goto', pos: 0 },
    });
  });

  it('lets undo and redo through even when held, as the review applies them in order', () => {
    expect(keyEffect({ type: 'undo' }, { ...single, repeat: true })).toEqual({
      type: 'review',
      input: { type: 'undo' },
    });
    expect(keyEffect({ type: 'redo' }, grid)).toEqual({ type: 'review', input: { type: 'redo' } });
  });

  it('clears a grid selection on Escape and otherwise leaves Escape alone', () => {
    expect(keyEffect({ type: 'escape' }, { ...grid, selectedCount: 3 })).toEqual({ type: 'clearSelection' });
    expect(keyEffect({ type: 'escape' }, grid)).toBeNull();
    expect(keyEffect({ type: 'escape' }, { ...single, selectedCount: 3 })).toBeNull();
  });

  it('zooms by the viewer buttons’ step and toggles help, grid and saliency', () => {
    expect(keyEffect({ type: 'zoomIn' }, single)).toEqual({ type: 'zoom', factor: ZOOM_STEP });
    expect(keyEffect({ type: 'zoomOut' }, single)).toEqual({ type: 'zoom', factor: 1 / ZOOM_STEP });
    expect(keyEffect({ type: 'help' }, single)).toEqual({ type: 'toggleHelp' });
    expect(keyEffect({ type: 'grid' }, grid)).toEqual({ type: 'toggleGrid' });
    expect(keyEffect({ type: 'saliency' }, single)).toEqual({ type: 'toggleSaliency' });
  });
});
