import type { ServerResponse } from 'node:http';
import type { ApiErrorBody, ApiErrorCode } from '../../src-shared/api';
import { clientMessage } from '../transport/dispatch';

/** An error that ends a request with a given status and a JSON error body. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Record<string, string> = {},
) {
  const body: ApiErrorBody = { error: { code, message: clientMessage(message) } };
  sendJson(res, status, body, headers);
}
