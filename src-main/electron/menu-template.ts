import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openProject(): void;
  newProject(): void;
  importDataset(): void;
  exportLabels(): void;
  showShortcuts(): void;
}

/** The native menu as data (no Electron import at run time), so what dev-only means is testable. */
export function menuTemplate(
  actions: MenuActions,
  opts: { dev: boolean; platform: NodeJS.Platform },
): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (opts.dev)
    view.unshift(
      { role: 'reload' },
      { role: 'forceReload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
    );
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
        { type: 'separator' },
        { label: 'Import Dataset…', click: () => actions.importDataset() },
        { label: 'Export…', click: () => actions.exportLabels() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    // No undo/redo roles: Ctrl+Z in the app undoes review decisions, which the renderer handles itself.
    {
      label: '&Edit',
      submenu: [{ role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: '&View', submenu: view },
    {
      role: 'help',
      submenu: [{ label: 'Keyboard Shortcuts', accelerator: 'F1', click: () => actions.showShortcuts() }],
    },
  ];
}
