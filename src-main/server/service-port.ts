import type { ApiErrorBody } from '../../src-shared/api';
import type { RelabelService } from '../core/service';

/** What the transports (HTTP server, Electron IPC) serve: the lead's service, by type only. */
export type TransportService = RelabelService;

export type ApiErrorCode = ApiErrorBody['error']['code'];

const errorCodes: readonly ApiErrorCode[] = [
  'invalid_input',
  'not_found',
  'conflict',
  'would_overwrite',
  'failed',
  'unauthorized',
];

/**
 * A user-facing error of the service (its `ServiceError`): an Error whose name is "ServiceError" and whose
 * `code` is one of the contract's codes. Recognised by shape so the transports do not depend on how the
 * core is bundled.
 */
export function isServiceError(e: unknown): e is Error & { code: ApiErrorCode } {
  if (!(e instanceof Error) || e.name !== 'ServiceError') return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (errorCodes as readonly string[]).includes(code);
}
