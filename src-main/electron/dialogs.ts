import { dialog, type BrowserWindow } from 'electron';

const projectFilter = [{ name: 'Relabel project', extensions: ['relabel'] }];

const first = (r: { canceled: boolean; filePaths: string[] }) =>
  r.canceled ? null : (r.filePaths[0] ?? null);

export async function chooseProjectToOpen(win?: BrowserWindow): Promise<string | null> {
  const options = { title: 'Open project', filters: projectFilter, properties: ['openFile' as const] };
  return first(win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options));
}

export async function chooseNewProjectPath(win?: BrowserWindow): Promise<string | null> {
  const options = {
    title: 'New project',
    defaultPath: 'project.relabel',
    filters: projectFilter,
    properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
  };
  const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (r.canceled || !r.filePath) return null;
  return r.filePath.endsWith('.relabel') ? r.filePath : `${r.filePath}.relabel`;
}

export async function chooseFolder(
  win: BrowserWindow,
  title: string,
  create = false,
): Promise<string | null> {
  return first(
    await dialog.showOpenDialog(win, {
      title,
      properties: create ? ['openDirectory', 'createDirectory'] : ['openDirectory'],
    }),
  );
}

/** First run (no --project, nothing opened before): open or create a project, or quit. */
export async function askFirstProject(): Promise<'open' | 'new' | 'quit'> {
  const { response } = await dialog.showMessageBox({
    type: 'question',
    title: 'Relabel',
    message: 'Open a Relabel project or create a new one.',
    detail: 'A project is one *.relabel file holding the dataset, training runs and your review decisions.',
    buttons: ['Open Project…', 'New Project…', 'Quit'],
    defaultId: 0,
    cancelId: 2,
  });
  return (['open', 'new', 'quit'] as const)[response] ?? 'quit';
}

export async function showError(
  win: BrowserWindow | undefined,
  title: string,
  message: string,
): Promise<void> {
  const options = { type: 'error' as const, title, message };
  await (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
}

export function showInfo(win: BrowserWindow, title: string, message: string, detail?: string): void {
  void dialog.showMessageBox(win, { type: 'info', title, message, detail });
}

/** An export would replace files an earlier export did not write: replace them (kept as backups) or not. */
export async function confirmReplace(win: BrowserWindow, message: string): Promise<boolean> {
  const { response } = await dialog.showMessageBox(win, {
    type: 'warning',
    title: 'Replace files?',
    message: 'The folder already holds files Relabel did not write.',
    detail: `${message}.`,
    buttons: ['Replace, keeping backups', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
  });
  return response === 0;
}
