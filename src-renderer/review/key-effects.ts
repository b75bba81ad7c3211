import type { DecisionCommand } from './decisions';
import { PAGE_SIZE } from './issue-list.svelte';
import type { ReviewCommand } from './keys';
import type { ReviewInput } from './review-core';
import { ZOOM_STEP } from './zoom-anchor';

/** What the review page is showing when a key arrives. */
export interface KeyContext {
  /** The grid (bulk decisions) instead of one issue. */
  gridMode: boolean;
  /** The queue position on screen (the grid's page starts at its page of it). */
  pos: number;
  /** Issues ticked in the grid. */
  selectedCount: number;
  /** The key is held down (an auto-repeat event). */
  repeat: boolean;
}

/** What the page does for a key's command: one effect, or nothing. */
export type KeyEffect =
  | { type: 'decide'; cmd: DecisionCommand }
  | { type: 'review'; input: ReviewInput }
  | { type: 'toggleHelp' }
  | { type: 'clearSelection' }
  | { type: 'zoom'; factor: number }
  | { type: 'toggleGrid' }
  | { type: 'toggleSaliency' };

/**
 * The effect of a review command in this context. A held decision key decides once (the repeats would decide the
 * following issues unseen); in the grid the arrows turn its page and a decision goes to the ticked issues.
 */
export function keyEffect(cmd: ReviewCommand, ctx: KeyContext): KeyEffect | null {
  switch (cmd.type) {
    case 'keep':
    case 'accept':
    case 'exclude':
    case 'setClass':
      return ctx.repeat ? null : { type: 'decide', cmd };
    case 'undo':
    case 'redo':
      return { type: 'review', input: { type: cmd.type } };
    case 'next':
      return {
        type: 'review',
        input: ctx.gridMode ? { type: 'goto', pos: ctx.pos + PAGE_SIZE } : { type: 'next' },
      };
    case 'prev':
      return {
        type: 'review',
        input: ctx.gridMode ? { type: 'goto', pos: Math.max(0, ctx.pos - PAGE_SIZE) } : { type: 'prev' },
      };
    case 'help':
      return { type: 'toggleHelp' };
    case 'escape':
      return ctx.gridMode && ctx.selectedCount > 0 ? { type: 'clearSelection' } : null;
    case 'zoomIn':
      return { type: 'zoom', factor: ZOOM_STEP };
    case 'zoomOut':
      return { type: 'zoom', factor: 1 / ZOOM_STEP };
    case 'grid':
      return { type: 'toggleGrid' };
    case 'saliency':
      return { type: 'toggleSaliency' };
  }
}
