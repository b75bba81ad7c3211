/**
 * Zooming about a point: the image point under the cursor (or the pane's centre) stays where it is on screen.
 * Boxes are in the pane's visible (client) box, in CSS pixels.
 */

/** One zoom step of the keys and the ± buttons, and of a mouse-wheel notch. */
export const ZOOM_STEP = 1.25;
export const WHEEL_ZOOM_STEP = 1.15;

/** A zoom factor within what the viewer offers (¼ to 16 times the fitted size). */
export const clampZoom = (z: number): number => Math.max(0.25, Math.min(16, z));

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Which point of the image (as fractions of its size) is at `point` of the pane, before the zoom. */
export interface ZoomAnchor {
  /** The fraction of the image's width and height, clamped to the image (a point beside it keeps its edge). */
  fx: number;
  fy: number;
  /** Where that image point must stay, in the pane's visible box. */
  x: number;
  y: number;
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);

export function anchorAt(point: { x: number; y: number }, image: Box): ZoomAnchor {
  return {
    fx: clamp01((point.x - image.left) / image.width),
    fy: clamp01((point.y - image.top) / image.height),
    x: point.x,
    y: point.y,
  };
}

/**
 * The pane's new scroll position once the zoomed image is laid out (`image`: where it is now, at the current
 * scroll): the anchored image point back under the anchor. The browser clamps it to what can be scrolled, so an
 * image smaller than the pane simply stays centred.
 */
export function scrollFor(
  anchor: ZoomAnchor,
  scroll: { left: number; top: number },
  image: Box,
): { left: number; top: number } {
  return {
    left: scroll.left + image.left + anchor.fx * image.width - anchor.x,
    top: scroll.top + image.top + anchor.fy * image.height - anchor.y,
  };
}

/** The box of `el` in the visible box of `pane` (inside its border). */
export function boxIn(pane: HTMLElement, el: HTMLElement): Box {
  const p = pane.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  return {
    left: r.left - p.left - pane.clientLeft,
    top: r.top - p.top - pane.clientTop,
    width: r.width,
    height: r.height,
  };
}
