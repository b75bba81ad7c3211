/** IPC channel names, shared by the preload and the main process's IPC adapter. */
export const CALL_CHANNEL = 'relabel:call';
export const EVENT_CHANNEL = 'relabel:event';
