import { INTERNAL_ERROR_MESSAGE, type ApiErrorCode } from '../../../src-shared/api';
import { MediaNotFoundError } from '../dataset/media';
import { UnsafePathError } from '../dataset/safe-path';
import { ExportRefusedError } from '../export/errors';
import { ProjectError } from '../store/errors';

/** An error whose message is meant for the user; transports pass it on with its code. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Errors the user can act on keep their message (as a ServiceError); anything else is returned unchanged and
 * stays an internal error. API calls and background jobs both go through this, so a failed job tells the user
 * exactly what a failed call would.
 */
export function toServiceError(e: unknown, userCode: ApiErrorCode = 'conflict'): unknown {
  if (e instanceof ServiceError) return e;
  if (e instanceof MediaNotFoundError) return new ServiceError('not_found', e.message);
  // The reason names paths outside the dataset: it goes to the log only, never to a client.
  if (e instanceof UnsafePathError)
    return new ServiceError('not_found', 'this image is outside the dataset folder and is not served');
  if (e instanceof ExportRefusedError)
    return new ServiceError(e.reason === 'would_overwrite' ? 'would_overwrite' : 'invalid_input', e.message);
  if (e instanceof ProjectError) return new ServiceError(userCode, e.message);
  if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT')
    return new ServiceError('not_found', e.message);
  return e;
}

/** Exceptions that only a bug throws: their text is for the log, never for the user. */
const BUG_CLASSES = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/**
 * The line a failed background job shows, mapped like a failed API call: user errors (ServiceError, project,
 * dataset, file and training errors, which are written for the user and name the file and line) keep their
 * message; bugs become "internal error" and go to the log.
 */
export function describeJobFailure(e: unknown, log: (e: unknown) => void): string {
  const mapped = toServiceError(e);
  if (mapped instanceof ServiceError) return mapped.message;
  if (mapped instanceof Error && !BUG_CLASSES.some((c) => mapped instanceof c)) return mapped.message;
  log(e);
  return INTERNAL_ERROR_MESSAGE;
}
