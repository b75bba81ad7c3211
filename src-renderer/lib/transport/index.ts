// eslint-disable-next-line no-restricted-imports -- our IPC client module, not the electron package
import { createElectronTransport } from './electron';
import { createHttpTransport } from './http';
import type { Transport } from './types';

export type { Transport } from './types';
export { ApiError, toApiError } from './types';

/** Electron when the preload exposed its bridge, otherwise the HTTP server this page came from. */
function pickTransport(): Transport {
  return window.relabel ? createElectronTransport(window.relabel) : createHttpTransport();
}

export const transport: Transport = pickTransport();
export const api = transport.api;
