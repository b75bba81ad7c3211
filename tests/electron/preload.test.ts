import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { apiInputs, type ApiEvent } from '../../src-shared/api';
import { API_NAMES } from '../../src-shared/api-names';

/** The preload bundled as the sandbox will load it: CommonJS, only `electron` left external. */
async function bundlePreload(): Promise<string> {
  const result = await build({
    entryPoints: ['src-preload/index.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/**
 * Runs the bundle against a recording stand-in for Electron's contextBridge and ipcRenderer (the real
 * ones exist only inside Electron), and returns what it exposed to the page.
 */
function loadPreload(code: string, answer: (channel: string, ...args: unknown[]) => unknown) {
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, ...args]);
        return answer(channel, ...args);
      },
      on: (channel: string, l: (...a: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(l);
      },
      removeListener: (channel: string, l: (...a: unknown[]) => void) => listeners.get(channel)?.delete(l),
    },
  };
  const required: string[] = [];
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    },
  });
  const send = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l({}, payload));
  return { exposed, invoked, required, listeners, send };
}

describe('preload', () => {
  it('lists exactly the API names of the contract', () => {
    expect([...API_NAMES].sort()).toEqual(Object.keys(apiInputs).sort());
  });

  it('bundles without zod or anything but electron', async () => {
    const code = await bundlePreload();
    expect(code).not.toMatch(/zod|ZodError|safeParse/);
    const { required } = loadPreload(code, () => null);
    expect(required).toEqual(['electron']);
    expect(code.length).toBeLessThan(8000);
  });

  it('exposes only call and subscribe as window.relabel', async () => {
    const { exposed } = loadPreload(await bundlePreload(), () => null);
    expect(Object.keys(exposed)).toEqual(['relabel']);
    expect(Object.keys(exposed.relabel as object).sort()).toEqual(['call', 'subscribe']);
  });

  it('call: invokes relabel:call and unwraps the outcome; errors reject with { code, message }', async () => {
    const { exposed, invoked } = loadPreload(await bundlePreload(), (_channel, name) =>
      name === 'undo'
        ? { ok: false, error: { code: 'conflict', message: 'nothing to undo' } }
        : { ok: true, value: { answered: name } },
    );
    const relabel = exposed.relabel as { call: (name: string, input: unknown) => Promise<unknown> };
    await expect(relabel.call('projectInfo', {})).resolves.toEqual({ answered: 'projectInfo' });
    await expect(relabel.call('undo', {})).rejects.toEqual({ code: 'conflict', message: 'nothing to undo' });
    expect(invoked).toEqual([
      ['relabel:call', 'projectInfo', {}],
      ['relabel:call', 'undo', {}],
    ]);
  });

  it('call: refuses names outside the contract without touching IPC', async () => {
    const { exposed, invoked } = loadPreload(await bundlePreload(), () => ({ ok: true, value: 1 }));
    const relabel = exposed.relabel as { call: (name: string, input: unknown) => Promise<unknown> };
    for (const name of ['readMedia', 'close', 'subscribe', 'constructor', '__proto__', 'relabel:call']) {
      await expect(relabel.call(name, {})).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(invoked).toEqual([]);
  });

  it('subscribe: forwards relabel:event payloads until unsubscribed', async () => {
    const { exposed, send, listeners } = loadPreload(await bundlePreload(), () => null);
    const relabel = exposed.relabel as { subscribe: (l: (e: ApiEvent) => void) => () => void };
    const got: ApiEvent[] = [];
    const stop = relabel.subscribe((e) => got.push(e));
    const event: ApiEvent = { type: 'project', reason: 'imported' };
    send('relabel:event', event);
    stop();
    send('relabel:event', event);
    expect(got).toEqual([event]);
    expect(listeners.get('relabel:event')?.size).toBe(0);
  });
});
