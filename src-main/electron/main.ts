/**
 * The Electron shell, composed from small parts: security policy, media protocol, IPC adapter, window,
 * menu. All the work happens in the service (training in worker processes), never in this thread.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, Menu, session } from 'electron';
import type { ExportResult } from '../../src-shared/api';
import { createService } from '../core/service';
import { dispatchCall } from '../transport/dispatch';
import { findAppFiles } from './app-files';
import {
  askFirstProject,
  chooseFolder,
  chooseNewProjectPath,
  chooseProjectToOpen,
  confirmReplace,
  showError,
  showInfo,
} from './dialogs';
import { forwardEvents, registerIpc } from './ipc';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol';
import { menuTemplate } from './menu-template';
import { appLocation, appUrl, projectArg, startupProject, type AppLocation } from './policy';
import { readLastProject, writeLastProject } from './recent-project';
import { hardenSession, hardenWebContents } from './security';
import { ServiceHolder } from './service-holder';
import { createMainWindow } from './window';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

function annotatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'annotator';
  }
}

app.enableSandbox();
registerMediaScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start().catch((e) => {
    dialog.showErrorBox('Relabel could not start', messageOf(e));
    app.exit(1);
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const files = findAppFiles({ needRenderer: !devServerUrl });
  const location = appLocation(files.rendererIndex, devServerUrl);
  const userData = app.getPath('userData');
  const lastProjectFile = join(userData, 'last-project.json');
  const services = new ServiceHolder();

  hardenSession(session.defaultSession, location);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, location));
  handleMediaProtocol(session.defaultSession, services);
  registerIpc(services, location);

  const openProject = async (path: string, createIfMissing = false) => {
    const projectPath = resolve(path);
    const service = createService({
      projectPath,
      annotator: annotatorName(),
      createIfMissing,
    });
    await services.replace(service);
    writeLastProject(lastProjectFile, projectPath);
    app.addRecentDocument(projectPath);
  };

  if (!(await openStartupProject(openProject, lastProjectFile))) return app.quit();

  let win: BrowserWindow | null = null;
  const showWindow = () => {
    win = createMainWindow({
      preload: files.preload,
      stateFile: join(userData, 'window-state.json'),
      location,
    });
    const stopForwarding = forwardEvents(services, win.webContents);
    win.on('closed', () => {
      stopForwarding();
      win = null;
    });
  };
  showWindow();
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        menuActions(() => win, services, location, openProject),
        {
          dev: !app.isPackaged,
          platform: process.platform,
        },
      ),
    ),
  );

  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
    const requested = projectArg(argv);
    if (requested) {
      openProject(resolve(workingDirectory, requested))
        .then(() => win?.loadURL(appUrl(location)))
        .catch((e) => showError(win ?? undefined, 'Could not open the project', messageOf(e)));
    }
  });
  app.on('activate', () => {
    if (!win) showWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    services
      .close()
      .catch((e) => console.error('[relabel] while closing the project:', e))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

/** --project, else the last opened project, else ask (until a project opens or the user quits). */
async function openStartupProject(
  openProject: (path: string, createIfMissing?: boolean) => Promise<void>,
  lastProjectFile: string,
): Promise<boolean> {
  const initial = startupProject(process.argv, readLastProject(lastProjectFile), existsSync);
  if (initial) {
    try {
      await openProject(initial.path);
      return true;
    } catch (e) {
      await showError(undefined, 'Could not open the project', messageOf(e));
    }
  }
  for (;;) {
    const choice = await askFirstProject();
    if (choice === 'quit') return false;
    const path = choice === 'open' ? await chooseProjectToOpen() : await chooseNewProjectPath();
    if (!path) continue;
    try {
      await openProject(path, choice === 'new');
      return true;
    } catch (e) {
      await showError(undefined, 'Could not open the project', messageOf(e));
    }
  }
}

function menuActions(
  window: () => BrowserWindow | null,
  services: ServiceHolder,
  location: AppLocation,
  openProject: (path: string, createIfMissing?: boolean) => Promise<void>,
) {
  const withWindow = (title: string, work: (win: BrowserWindow) => Promise<void>) => () => {
    const win = window();
    if (win) work(win).catch((e) => showError(win, title, messageOf(e)));
  };
  /** Runs one API call the way the renderer would (validated, errors mapped); user errors become a dialog. */
  const dispatch = async (name: 'importDataset' | 'exportLabels', input: unknown) => {
    const service = services.current;
    if (!service) throw new Error('no project is open');
    return dispatchCall(service, name, input, 'owner');
  };
  const call = async (name: 'importDataset' | 'exportLabels', input: unknown) => {
    const outcome = await dispatch(name, input);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.value;
  };
  const switchProject = (choose: (win: BrowserWindow) => Promise<string | null>, create: boolean) =>
    withWindow('Could not open the project', async (win) => {
      const path = await choose(win);
      if (!path) return;
      await openProject(path, create);
      await win.loadURL(appUrl(location));
    });
  return {
    openProject: switchProject(chooseProjectToOpen, false),
    newProject: switchProject(chooseNewProjectPath, true),
    importDataset: withWindow('Import failed', async (win) => {
      const source = await chooseFolder(
        win,
        'Import dataset: a folder of class sub-folders or a seed dataset',
      );
      // Progress and the result arrive in the app as job events.
      if (source) await call('importDataset', { source });
    }),
    exportLabels: withWindow('Export failed', async (win) => {
      const outDir = await chooseFolder(win, 'Export the cleaned labels to', true);
      if (!outDir) return;
      // Files an earlier export did not write are replaced only once the user agrees (then kept as backups).
      const first = await dispatch('exportLabels', { outDir });
      if (
        !first.ok &&
        first.error.code === 'would_overwrite' &&
        !(await confirmReplace(win, first.error.message))
      )
        return;
      const r = (
        first.ok ? first.value : await call('exportLabels', { outDir, force: true })
      ) as ExportResult;
      const c = r.counts;
      showInfo(
        win,
        'Export done',
        `Exported ${c.total} labels to ${r.outDir}`,
        `${c.relabeled} relabeled, ${c.excluded} excluded, ${c.kept} kept, ${c.undecided} not reviewed.\n\n${r.files.join('\n')}` +
          (r.backups.length ? `\n\nKept the previous files as:\n${r.backups.join('\n')}` : ''),
      );
    }),
    showShortcuts: withWindow('Keyboard shortcuts', async (win) => {
      await win.loadURL(appUrl(location, '/review?help'));
    }),
  };
}
