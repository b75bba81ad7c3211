import { API_ERROR_CODES, type ApiErrorCode } from '../../src-shared/api';
import type { RelabelService } from '../core/service';

/** What the transports (HTTP server, Electron IPC) serve: the core's service, by type only. */
export type TransportService = RelabelService;

/**
 * A user-facing error of the service (its `ServiceError`): an Error whose name is "ServiceError" and whose
 * `code` is one of the contract's codes. Recognised by shape so the transports do not depend on how the
 * core is bundled.
 */
export function isServiceError(e: unknown): e is Error & { code: ApiErrorCode } {
  if (!(e instanceof Error) || e.name !== 'ServiceError') return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (API_ERROR_CODES as readonly string[]).includes(code);
}
