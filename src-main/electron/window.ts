import { BrowserWindow, screen } from 'electron';
import { appUrl, hardenedWebPreferences, type AppLocation } from './policy';
import { loadWindowState, MIN_WINDOW_SIZE, saveWindowState, type WindowState } from './window-state';

/** The main window: hardened webPreferences, restored bounds (saved again on close). */
export function createMainWindow(opts: {
  preload: string;
  stateFile: string;
  location: AppLocation;
}): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(opts.stateFile, workAreas);
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Relabel',
    show: false,
    backgroundColor: '#1e1e1e',
    webPreferences: hardenedWebPreferences(opts.preload),
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const bounds = win.getNormalBounds();
    const next: WindowState = { ...bounds, maximized: win.isMaximized() };
    try {
      saveWindowState(opts.stateFile, next);
    } catch (e) {
      console.error('[relabel] could not save the window state:', e);
    }
  });
  void win.loadURL(appUrl(opts.location));
  return win;
}
