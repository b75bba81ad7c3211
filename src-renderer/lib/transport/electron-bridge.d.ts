import type { ApiEvent, ApiInput, ApiName, ApiOutputs } from '../../../src-shared/api';

/** What the sandboxed preload exposes (src-preload/index.ts); absent in a browser. */
export interface RelabelBridge {
  call<K extends ApiName>(name: K, input: ApiInput<K>): Promise<ApiOutputs[K]>;
  subscribe(listener: (e: ApiEvent) => void): () => void;
}

declare global {
  interface Window {
    relabel?: RelabelBridge;
  }
}
