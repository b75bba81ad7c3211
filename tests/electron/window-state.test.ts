import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_WINDOW_STATE,
  loadWindowState,
  sanitizeWindowState,
  saveWindowState,
} from '../../src-main/electron/window-state';
import { readLastProject, writeLastProject } from '../../src-main/electron/recent-project';
import { tempDir } from '../helpers/tmp';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('sanitizeWindowState', () => {
  it('keeps a sane saved state', () => {
    expect(
      sanitizeWindowState({ x: 100, y: 50, width: 1400, height: 900, maximized: true }, [laptop]),
    ).toEqual({
      x: 100,
      y: 50,
      width: 1400,
      height: 900,
      maximized: true,
    });
  });

  it('falls back to the default for anything that is not a state', () => {
    for (const raw of [null, 'x', 42, [], undefined]) {
      expect(sanitizeWindowState(raw, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('clamps sizes to the minimum and the largest display, and ignores non-numbers', () => {
    expect(sanitizeWindowState({ width: 10, height: -5 }, [laptop])).toEqual({
      width: 800,
      height: 560,
      maximized: false,
    });
    expect(sanitizeWindowState({ width: 99999, height: 99999 }, [laptop, rightMonitor])).toMatchObject({
      width: 2560,
      height: 1400,
    });
    expect(sanitizeWindowState({ width: 'big', height: NaN, maximized: 'yes' }, [laptop])).toEqual(
      DEFAULT_WINDOW_STATE,
    );
    expect(sanitizeWindowState({ width: Infinity, height: 700.6 }, [laptop])).toEqual({
      width: 1280,
      height: 701,
      maximized: false,
    });
  });

  it('drops a position whose title bar is on no display now (monitor unplugged)', () => {
    const onRight = { x: 2500, y: 100, width: 1200, height: 800 };
    expect(sanitizeWindowState(onRight, [laptop, rightMonitor])).toMatchObject({ x: 2500, y: 100 });
    const now = sanitizeWindowState(onRight, [laptop]);
    expect(now.x).toBeUndefined();
    expect(now.y).toBeUndefined();
    expect(now.width).toBe(1200);
    expect(sanitizeWindowState({ x: 100, y: -500, width: 1000, height: 800 }, [laptop]).x).toBeUndefined();
    expect(sanitizeWindowState({ x: 1880, y: 10, width: 1000, height: 800 }, [laptop]).x).toBeUndefined();
    expect(sanitizeWindowState({ x: 1700, y: 10, width: 1000, height: 800 }, [laptop]).x).toBe(1700);
  });
});

describe('window state and last project files', () => {
  it('round-trips through a JSON file and survives a corrupt one', () => {
    const dir = tempDir();
    const file = join(dir, 'nested', 'window-state.json');
    expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    saveWindowState(file, { x: 10, y: 20, width: 1000, height: 700, maximized: false });
    expect(loadWindowState(file, [laptop])).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      maximized: false,
    });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['window-state.json']);
    writeFileSync(file, '{"x": 1,');
    expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('remembers the last project as an absolute path only', () => {
    const dir = tempDir();
    const file = join(dir, 'last-project.json');
    expect(readLastProject(file)).toBeNull();
    writeLastProject(file, '/home/me/cats.relabel');
    expect(existsSync(file)).toBe(true);
    expect(readLastProject(file)).toBe('/home/me/cats.relabel');
    writeFileSync(file, JSON.stringify({ path: 'relative.relabel' }));
    expect(readLastProject(file)).toBeNull();
    writeFileSync(file, 'garbage');
    expect(readLastProject(file)).toBeNull();
  });
});
