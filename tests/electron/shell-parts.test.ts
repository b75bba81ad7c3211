import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MenuItemConstructorOptions } from 'electron';
import { findAppFiles } from '../../src-main/electron/app-files';
import { menuTemplate, type MenuActions } from '../../src-main/electron/menu-template';
import { ServiceHolder } from '../../src-main/electron/service-holder';
import { findRendererDir } from '../../src-main/server/renderer-dir';
import { tempDir } from '../helpers/tmp';
import { createServiceTestDouble } from '../server/service-test-double';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

describe('menuTemplate', () => {
  const clicked: string[] = [];
  const actions = Object.fromEntries(
    ['openProject', 'newProject', 'importDataset', 'exportLabels', 'showShortcuts'].map((n) => [
      n,
      () => clicked.push(n),
    ]),
  ) as unknown as MenuActions;

  it('has reload and devtools in development only', () => {
    const roles = (dev: boolean) =>
      items(menuTemplate(actions, { dev, platform: 'linux' })).map((i) => i.role);
    expect(roles(true)).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).toContain('quit');
    // Ctrl+Z belongs to the review (undo a decision), not to the Edit menu.
    expect(roles(false)).not.toContain('undo');
  });

  it('wires every File and Help item to its action', () => {
    clicked.length = 0;
    const labelled = items(menuTemplate(actions, { dev: false, platform: 'linux' })).filter((i) => i.click);
    for (const item of labelled) (item.click as () => void)();
    expect(labelled.map((i) => i.label)).toEqual([
      'Open Project…',
      'New Project…',
      'Import Dataset…',
      'Export…',
      'Keyboard Shortcuts',
    ]);
    expect(clicked).toEqual(['openProject', 'newProject', 'importDataset', 'exportLabels', 'showShortcuts']);
  });

  it('has the app menu on macOS', () => {
    expect(menuTemplate(actions, { dev: false, platform: 'darwin' })[0].role).toBe('appMenu');
  });
});

describe('ServiceHolder', () => {
  it('closes the old service before announcing the new one', async () => {
    const dir = tempDir();
    const a = createServiceTestDouble(dir);
    const b = createServiceTestDouble(dir);
    const holder = new ServiceHolder();
    const seen: (string | null)[] = [];
    holder.onChange((s) => seen.push(s === a ? 'a' : s === b ? 'b' : `null(a closed: ${a.closed})`));
    await holder.replace(a);
    await holder.replace(b);
    expect(a.closed).toBe(true);
    expect(holder.current).toBe(b);
    await holder.close();
    expect(b.closed).toBe(true);
    expect(holder.current).toBeNull();
    expect(seen).toEqual([
      'null(a closed: false)',
      'a',
      'null(a closed: false)',
      'b',
      'null(a closed: true)',
    ]);
  });
});

describe('finding the built files', () => {
  function fakeBuild(root: string, renderer = true) {
    mkdirSync(join(root, 'out', 'main', 'chunks'), { recursive: true });
    mkdirSync(join(root, 'out', 'preload'), { recursive: true });
    writeFileSync(join(root, 'out', 'preload', 'index.cjs'), '');
    if (renderer) {
      mkdirSync(join(root, 'out', 'renderer'), { recursive: true });
      writeFileSync(join(root, 'out', 'renderer', 'index.html'), '');
    }
    mkdirSync(join(root, 'src-main', 'cli', 'commands'), { recursive: true });
  }

  it('from the bundled main, a chunk, or the sources', () => {
    const root = tempDir();
    fakeBuild(root);
    const expected = {
      preload: join(root, 'out', 'preload', 'index.cjs'),
      rendererIndex: join(root, 'out', 'renderer', 'index.html'),
    };
    for (const file of ['out/main/index.js', 'out/main/chunks/x.js', 'src-main/electron/main.ts']) {
      expect(findAppFiles({ needRenderer: true }, pathToFileURL(join(root, file)).href), file).toEqual(
        expected,
      );
    }
    for (const file of ['out/main/cli.js', 'out/main/chunks/x.js', 'src-main/cli/commands/serve.ts']) {
      expect(findRendererDir(pathToFileURL(join(root, file)).href), file).toBe(join(root, 'out', 'renderer'));
    }
  });

  it('says to build when the renderer is missing (and does not need it for the dev server)', () => {
    const root = tempDir();
    fakeBuild(root, false);
    const main = pathToFileURL(join(root, 'out', 'main', 'index.js')).href;
    expect(() => findAppFiles({ needRenderer: true }, main)).toThrow(/run npm run build/);
    expect(findAppFiles({ needRenderer: false }, main).preload).toBe(
      join(root, 'out', 'preload', 'index.cjs'),
    );
    expect(() => findRendererDir(pathToFileURL(join(root, 'out', 'main', 'cli.js')).href)).toThrow(
      'renderer not built: run npm run build',
    );
  });
});
