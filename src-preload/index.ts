/**
 * The sandboxed preload: exposes exactly two functions as `window.relabel` — never ipcRenderer itself.
 * `call` rejects with a plain `{ code, message }` object (Errors lose their own fields when they cross the
 * context bridge; plain objects are copied whole).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiEvent, ApiErrorBody } from '../src-shared/api';
import { API_NAMES } from '../src-shared/api-names';
import { CALL_CHANNEL, EVENT_CHANNEL } from './channels';

type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody['error'] };

function unwrap(outcome: CallOutcome): unknown {
  if (outcome.ok) return outcome.value;
  throw { code: outcome.error.code, message: outcome.error.message };
}

const bridge = {
  call(name: string, input: unknown): Promise<unknown> {
    if (!(API_NAMES as readonly string[]).includes(name)) {
      return Promise.reject({
        code: 'not_found',
        message: `unknown API call ${JSON.stringify(String(name))}`,
      });
    }
    return ipcRenderer.invoke(CALL_CHANNEL, name, input).then(unwrap);
  },
  subscribe(listener: (event: ApiEvent) => void): () => void {
    const handler = (_event: IpcRendererEvent, apiEvent: ApiEvent) => listener(apiEvent);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('relabel', bridge);
