import type { ApiName, RelabelApi } from '../../../src-shared/api';
import type { RelabelBridge } from './electron-bridge';
import { toApiError, type Transport } from './types';

/** Electron: every call goes through the preload's `window.relabel` bridge; media via relabel-media://. */
export function createElectronTransport(bridge: RelabelBridge): Transport {
  const api = new Proxy({} as RelabelApi, {
    get: (_target, name) =>
      // Not a thenable, and no symbol lookups: only string names are API calls.
      typeof name !== 'string' || name === 'then'
        ? undefined
        : (input: unknown) =>
            // The preload rejects with a plain { code, message } object (Errors lose fields crossing the bridge).
            bridge.call(name as ApiName, (input ?? {}) as never).catch((e: unknown) => {
              throw toApiError(e);
            }),
  });
  return {
    api,
    subscribe: (listener) => bridge.subscribe(listener),
    mediaUrl: (kind, index) => `relabel-media://${kind}/${index}`,
    kind: 'electron',
    // The main process outlives the page: a call handed over now still runs.
    sendOnExit: (name, input) => void bridge.call(name, input as never).catch(() => undefined),
  };
}
