import type {
  ApiEvent,
  ApiErrorBody,
  ApiName,
  MediaKind,
  RelabelApi,
  Subscribe,
} from '../../../src-shared/api';

/** How the renderer talks to the main side: Electron IPC or HTTP. Nothing outside this folder knows which. */
export interface Transport {
  api: RelabelApi;
  subscribe: Subscribe;
  mediaUrl(kind: MediaKind, index: number): string;
  kind: 'electron' | 'http';
  /**
   * Sends a call from a page that is closing, without waiting for the answer (the browser delivers it after the
   * page is gone where it can); best effort.
   */
  sendOnExit(name: ApiName, input: unknown): void;
}

export type ApiErrorCode = ApiErrorBody['error']['code'];

/** A failed API call: `message` is meant for the user, `code` is stable. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Turns whatever a transport rejected with into an ApiError with a readable message. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e && typeof e === 'object' && 'message' in e) {
    const code = 'code' in e && typeof e.code === 'string' ? (e.code as ApiErrorCode) : 'failed';
    return new ApiError(code, String((e as { message: unknown }).message));
  }
  return new ApiError('failed', String(e));
}

export type EventListener = (event: ApiEvent) => void;
