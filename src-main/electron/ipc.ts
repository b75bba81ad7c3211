import { ipcMain, type WebContents } from 'electron';
import { dispatchCall, type CallOutcome } from '../transport/dispatch';
import { CALL_CHANNEL, EVENT_CHANNEL, isTrustedSender, type AppLocation } from './policy';
import type { ServiceHolder } from './service-holder';

/**
 * The IPC transport: `relabel:call` (name, input) → `{ ok: true, value } | { ok: false, error }`, answered
 * only for our app's main frame, with the name and input checked against the contract.
 */
export function registerIpc(services: ServiceHolder, location: AppLocation): void {
  ipcMain.handle(CALL_CHANNEL, async (event, name: unknown, input: unknown): Promise<CallOutcome> => {
    const frame = event.senderFrame;
    if (!isTrustedSender(frame?.url, frame !== null && frame === event.sender.mainFrame, location)) {
      return { ok: false, error: { code: 'unauthorized', message: 'this page may not use the Relabel API' } };
    }
    const service = services.current;
    if (!service) return { ok: false, error: { code: 'conflict', message: 'no project is open' } };
    // The desktop app's user owns the project: every call is open to them.
    return dispatchCall(service, name, input, 'owner');
  });
}

/** Forwards the open service's events to the window, following service swaps. */
export function forwardEvents(services: ServiceHolder, contents: WebContents): () => void {
  let unsubscribe: (() => void) | null = null;
  const follow = () => {
    unsubscribe?.();
    unsubscribe =
      services.current?.subscribe((e) => {
        if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, e);
      }) ?? null;
  };
  follow();
  const stop = services.onChange(follow);
  return () => {
    stop();
    unsubscribe?.();
  };
}
