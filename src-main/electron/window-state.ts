import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is remembered of the main window; x/y absent = let the OS centre it. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 820, maximized: false };
export const MIN_WINDOW_SIZE = { width: 800, height: 560 };
/** How much of the window's top strip (title bar) must lie on a display for the saved position to be kept. */
const MIN_VISIBLE = { width: 120, height: 40 };

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Makes a saved (untrusted: hand-edited, from another monitor setup) state usable: sizes within the
 * minimum and the largest display, and a position only when the title bar is on some display now.
 */
export function sanitizeWindowState(raw: unknown, workAreas: readonly Rect[]): WindowState {
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW_STATE };
  const r = raw as Record<string, unknown>;
  const maxWidth = Math.max(MIN_WINDOW_SIZE.width, ...workAreas.map((a) => a.width));
  const maxHeight = Math.max(MIN_WINDOW_SIZE.height, ...workAreas.map((a) => a.height));
  const clamp = (v: unknown, min: number, max: number, fallback: number) =>
    isFiniteNumber(v) ? Math.round(Math.min(max, Math.max(min, v))) : fallback;
  const state: WindowState = {
    width: clamp(r.width, MIN_WINDOW_SIZE.width, maxWidth, Math.min(DEFAULT_WINDOW_STATE.width, maxWidth)),
    height: clamp(
      r.height,
      MIN_WINDOW_SIZE.height,
      maxHeight,
      Math.min(DEFAULT_WINDOW_STATE.height, maxHeight),
    ),
    maximized: r.maximized === true,
  };
  if (isFiniteNumber(r.x) && isFiniteNumber(r.y)) {
    const titleBar = {
      x: Math.round(r.x),
      y: Math.round(r.y),
      width: state.width,
      height: MIN_VISIBLE.height,
    };
    const visible = workAreas.some((area) => {
      const o = overlap(titleBar, area);
      return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
    });
    if (visible) Object.assign(state, { x: titleBar.x, y: titleBar.y });
  }
  return state;
}

export function loadWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  let raw: unknown = null;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Missing or corrupt: start with the default window.
  }
  return sanitizeWindowState(raw, workAreas);
}

/** Written via a temp file and rename, so a crash never leaves half a JSON file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}
