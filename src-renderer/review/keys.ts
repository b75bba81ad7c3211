/**
 * The review page's keyboard map: one table that drives the key handler, the `?` help and the accessible
 * names (aria-keyshortcuts) of the buttons doing the same thing.
 */

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

export type CommandType = ReviewCommand['type'];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** One row of the map: the keys (as KeyboardEvent.key, lower-case letters) and what they do. */
export interface KeyBinding {
  command: Exclude<CommandType, 'setClass'>;
  /** Plain keys; `ctrl` bindings need Ctrl (or ⌘ on macOS), `shift` bindings Shift too. */
  keys: string[];
  ctrl?: boolean;
  shift?: boolean;
  /** As the help shows it, e.g. ['Ctrl', 'Shift', 'Z']; alternatives after the first are named in `what`. */
  shown: string[];
  what: string;
  /** The aria-keyshortcuts value of the buttons doing the same. */
  aria: string;
}

export const KEYMAP: readonly KeyBinding[] = [
  { command: 'keep', keys: ['q'], shown: ['Q'], what: 'Keep the given label', aria: 'q' },
  { command: 'accept', keys: ['w'], shown: ['W'], what: 'Accept the suggested label', aria: 'w' },
  { command: 'exclude', keys: ['e'], shown: ['E'], what: 'Exclude the image from training', aria: 'e' },
  {
    command: 'undo',
    keys: ['z'],
    ctrl: true,
    shown: ['Ctrl', 'Z'],
    what: 'Undo your last decision',
    aria: 'Control+Z',
  },
  {
    command: 'redo',
    keys: ['z', 'y'],
    ctrl: true,
    shift: true,
    shown: ['Ctrl', 'Shift', 'Z'],
    what: 'Redo (also Ctrl+Y)',
    aria: 'Control+Shift+Z',
  },
  { command: 'next', keys: ['ArrowRight'], shown: ['→'], what: 'Next issue', aria: 'ArrowRight' },
  { command: 'prev', keys: ['ArrowLeft'], shown: ['←'], what: 'Previous issue', aria: 'ArrowLeft' },
  { command: 'zoomIn', keys: ['+', '='], shown: ['+'], what: 'Zoom in (or the mouse wheel)', aria: '+' },
  { command: 'zoomOut', keys: ['-', '_'], shown: ['−'], what: 'Zoom out', aria: '-' },
  { command: 'grid', keys: ['g'], shown: ['G'], what: 'Grid mode for bulk decisions', aria: 'g' },
  {
    command: 'saliency',
    keys: ['s'],
    shown: ['S'],
    what: 'Show where the model looked (saliency overlay)',
    aria: 's',
  },
  { command: 'help', keys: ['?'], shown: ['?'], what: 'Show or hide this help', aria: '?' },
  {
    command: 'escape',
    keys: ['Escape'],
    shown: ['Esc'],
    what: 'Leave a filter field, close overlays',
    aria: 'Escape',
  },
];

/** The digit keys set a class: row for the help. */
export function classKeysHelp(numClasses: number): { shown: string[]; what: string } {
  const last = Math.min(9, numClasses - 1);
  return { shown: [last > 0 ? `0–${last}` : '0'], what: 'Set that class' };
}

/** aria-keyshortcuts of a command, from the table. */
export function ariaKeys(command: KeyBinding['command']): string {
  return KEYMAP.find((b) => b.command === command)!.aria;
}

/**
 * The command of a key event, or null. `numClasses` bounds the digit keys (a digit ≥ K is ignored). Ctrl (or ⌘)
 * only combines with the table's ctrl bindings; any other Ctrl/Alt chord stays with the browser.
 * Ctrl+Y is redo without Shift.
 */
export function keyToCommand(e: KeyLike, numClasses: number): ReviewCommand | null {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.altKey) return null;
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl) {
    if (key === 'y' && !e.shiftKey) return { type: 'redo' };
    const b = KEYMAP.find((x) => x.ctrl && x.keys.includes(key) && Boolean(x.shift) === e.shiftKey);
    return b ? ({ type: b.command } as ReviewCommand) : null;
  }
  const b = KEYMAP.find((x) => !x.ctrl && x.keys.includes(key));
  if (b) return { type: b.command } as ReviewCommand;
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
