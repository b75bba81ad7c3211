import { describe, expect, it } from 'vitest';
import { isTypingTarget, keyToCommand, type KeyLike } from '../../src-renderer/review/keys';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('review keyboard map', () => {
  it('maps q / w / e to keep, accept, exclude (either case)', () => {
    expect(keyToCommand(key('q'), 3)).toEqual({ type: 'keep' });
    expect(keyToCommand(key('W', { shiftKey: true }), 3)).toEqual({ type: 'accept' });
    expect(keyToCommand(key('e'), 3)).toEqual({ type: 'exclude' });
  });

  it('maps digits below the class count to that class and ignores the rest', () => {
    expect(keyToCommand(key('0'), 3)).toEqual({ type: 'setClass', classId: 0 });
    expect(keyToCommand(key('2'), 3)).toEqual({ type: 'setClass', classId: 2 });
    expect(keyToCommand(key('3'), 3)).toBeNull();
    expect(keyToCommand(key('9'), 10)).toEqual({ type: 'setClass', classId: 9 });
    expect(keyToCommand(key('9'), 2)).toBeNull();
  });

  it('maps Ctrl/⌘+Z to undo, Ctrl+Shift+Z and Ctrl+Y to redo, and leaves other chords to the browser', () => {
    expect(keyToCommand(key('z', { ctrlKey: true }), 2)).toEqual({ type: 'undo' });
    expect(keyToCommand(key('z', { metaKey: true }), 2)).toEqual({ type: 'undo' });
    expect(keyToCommand(key('Z', { ctrlKey: true, shiftKey: true }), 2)).toEqual({ type: 'redo' });
    expect(keyToCommand(key('y', { ctrlKey: true }), 2)).toEqual({ type: 'redo' });
    expect(keyToCommand(key('w', { ctrlKey: true }), 2)).toBeNull();
    expect(keyToCommand(key('1', { ctrlKey: true }), 2)).toBeNull();
    expect(keyToCommand(key('q', { altKey: true }), 2)).toBeNull();
  });

  it('maps navigation, help, escape, zoom and grid keys', () => {
    expect(keyToCommand(key('ArrowRight'), 2)).toEqual({ type: 'next' });
    expect(keyToCommand(key('ArrowLeft'), 2)).toEqual({ type: 'prev' });
    expect(keyToCommand(key('?', { shiftKey: true }), 2)).toEqual({ type: 'help' });
    expect(keyToCommand(key('Escape'), 2)).toEqual({ type: 'escape' });
    expect(keyToCommand(key('+', { shiftKey: true }), 2)).toEqual({ type: 'zoomIn' });
    expect(keyToCommand(key('-'), 2)).toEqual({ type: 'zoomOut' });
    expect(keyToCommand(key('g'), 2)).toEqual({ type: 'grid' });
    expect(keyToCommand(key('x'), 2)).toBeNull();
    expect(keyToCommand(key('Enter'), 2)).toBeNull();
  });
});

describe('isTypingTarget', () => {
  const el = (tagName: string, extra: Record<string, unknown> = {}) =>
    ({ tagName, isContentEditable: false, closest: () => null, ...extra }) as unknown as EventTarget;

  it('treats text fields, selects, text areas and editable content as typing', () => {
    expect(isTypingTarget(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isTypingTarget(el('INPUT', { type: 'number' }))).toBe(true);
    expect(isTypingTarget(el('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(el('SELECT'))).toBe(true);
    expect(isTypingTarget(el('DIV', { isContentEditable: true }))).toBe(true);
  });

  it('keeps shortcuts on buttons, check boxes and the page', () => {
    expect(isTypingTarget(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTypingTarget(el('BUTTON'))).toBe(false);
    expect(isTypingTarget(el('BODY'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});
