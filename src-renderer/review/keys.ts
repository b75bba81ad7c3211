/** The review page's keyboard map, as a pure function of the key event. */

export type ReviewCommand =
  | { type: 'keep' }
  | { type: 'accept' }
  | { type: 'exclude' }
  | { type: 'setClass'; classId: number }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'next' }
  | { type: 'prev' }
  | { type: 'help' }
  | { type: 'escape' }
  | { type: 'zoomIn' }
  | { type: 'zoomOut' }
  | { type: 'grid' }
  | { type: 'saliency' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/**
 * `numClasses` bounds the digit keys: a digit ≥ K is ignored. Ctrl (or ⌘) only combines with Z and Y;
 * any other Ctrl/Alt chord stays with the browser (Ctrl+W, Ctrl+R, …).
 */
export function keyToCommand(e: KeyLike, numClasses: number): ReviewCommand | null {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return null;
  if (e.ctrlKey || e.metaKey) {
    if (key === 'z') return e.shiftKey ? { type: 'redo' } : { type: 'undo' };
    if (key === 'y' && !e.shiftKey) return { type: 'redo' };
    return null;
  }
  switch (key) {
    case 'q':
      return { type: 'keep' };
    case 'w':
      return { type: 'accept' };
    case 'e':
      return { type: 'exclude' };
    case 'ArrowRight':
      return { type: 'next' };
    case 'ArrowLeft':
      return { type: 'prev' };
    case '?':
      return { type: 'help' };
    case 'Escape':
      return { type: 'escape' };
    case '+':
    case '=':
      return { type: 'zoomIn' };
    case '-':
    case '_':
      return { type: 'zoomOut' };
    case 'g':
      return { type: 'grid' };
    case 's':
      return { type: 'saliency' };
  }
  if (/^[0-9]$/.test(key) && !e.shiftKey) {
    const digit = Number(key);
    return digit < numClasses ? { type: 'setClass', classId: digit } : null;
  }
  return null;
}

/** Keys typed into a text field (or a select) are the field's, not shortcuts; checkboxes and buttons are not fields. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return false;
}
