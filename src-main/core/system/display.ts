/**
 * Whether a window can open here. On Linux (and the BSDs) a graphical session sets DISPLAY (X11) or
 * WAYLAND_DISPLAY; an ssh shell or a container has neither. macOS and Windows always have one for a user
 * process.
 */
export function hasDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
