export type ToastKind = 'info' | 'success' | 'error';

export interface ToastItem {
  id: number;
  kind: ToastKind;
  message: string;
  /** How many times this message came while it was shown ("Nothing to undo ×3"). */
  count: number;
}

/** At most this many notifications at once: a burst never buries the page. */
export const MAX_TOASTS = 3;
const LIFETIME_MS: Record<ToastKind, number> = { info: 2800, success: 2800, error: 8000 };

let nextId = 1;
/** Each notification's expiry (not state: nothing shows it). */
const timers: Record<number, ReturnType<typeof setTimeout>> = {};

/** Short notifications, newest last; errors stay a little longer. */
export const toasts = $state<ToastItem[]>([]);

/**
 * Where notifications show. A page whose corner holds its own controls (the review's Next, Undo, Redo) hosts
 * them in a place of its own (`hostToasts`); while it does, the app's corner stack stays empty.
 */
export const toastHosts = $state({ inline: 0 });

/** A page shows notifications itself from now on; call the returned function when it goes. */
export function hostToasts(): () => void {
  toastHosts.inline++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    toastHosts.inline--;
  };
}

export function dismissToast(id: number): void {
  clearTimeout(timers[id]);
  delete timers[id];
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

function expireLater(t: ToastItem): void {
  clearTimeout(timers[t.id]);
  timers[t.id] = setTimeout(() => dismissToast(t.id), LIFETIME_MS[t.kind]);
}

export function toast(message: string, kind: ToastKind = 'info'): void {
  // The same message again counts up on the one shown (and lives on), rather than stacking copies.
  const same = toasts.find((t) => t.message === message && t.kind === kind);
  if (same) {
    same.count++;
    expireLater(same);
    return;
  }
  const item: ToastItem = { id: nextId++, kind, message, count: 1 };
  toasts.push(item);
  expireLater(toasts[toasts.length - 1]);
  // Over the cap: the oldest goes, an error only when nothing else is left to drop.
  while (toasts.length > MAX_TOASTS) {
    const drop = toasts.find((t) => t.kind !== 'error') ?? toasts[0];
    dismissToast(drop.id);
  }
}

export function toastError(e: unknown): void {
  toast(e instanceof Error ? e.message : String(e), 'error');
}
