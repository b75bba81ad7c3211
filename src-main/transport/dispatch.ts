import {
  apiNames,
  INTERNAL_ERROR_MESSAGE,
  mayCall,
  type Role,
  type ApiErrorBody,
  type ApiErrorCode,
  type ApiName,
} from '../../src-shared/api';
import { excerpt } from '../core/quote';
import { isServiceError, type TransportService } from './service-port';

/**
 * What both transports share between "a call arrived" and "an answer leaves": the call-name check, the one call
 * into the service (which validates the input against the contract) and the mapping of whatever it threw to the
 * error a client may see.
 */

/** The result of one API call as both transports carry it (IPC as is, HTTP as status + JSON body). */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody['error'] };

/** Where internal errors (bugs, not user errors) go: their stack never reaches a client. */
export type InternalErrorLog = (context: string, error: unknown) => void;

export const logToStderr: InternalErrorLog = (context, error) => {
  console.error(`[relabel] internal error in ${context}:`, error);
};

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && (apiNames as readonly string[]).includes(name);
}

/** The longest error message a client is sent; longer ones (a huge path in them) are cut. */
export const MAX_ERROR_MESSAGE_CHARS = 1_000;

/** One line, control characters escaped, at most MAX_ERROR_MESSAGE_CHARS: every client error message. */
export function clientMessage(message: string): string {
  return excerpt(message, MAX_ERROR_MESSAGE_CHARS);
}

/** Maps any thrown value to the error a client may see: ServiceError as is, everything else generic. */
export function toClientError(context: string, error: unknown, log: InternalErrorLog): ApiErrorBody['error'] {
  if (isServiceError(error)) return { code: error.code, message: clientMessage(error.message) };
  log(context, error);
  return { code: 'failed', message: INTERNAL_ERROR_MESSAGE };
}

/**
 * Runs one call for a caller of the given role; never throws. The role is checked here, for every call of
 * every transport, against the contract's `apiRoles`; the service validates the input (once, for every caller).
 * `projectInfo` tells the caller its role, so the UI offers only what it may do.
 */
export async function dispatchCall(
  service: TransportService,
  name: unknown,
  input: unknown,
  role: Role,
  log: InternalErrorLog = logToStderr,
): Promise<CallOutcome> {
  if (!isApiName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : typeof name;
    return { ok: false, error: { code: 'not_found', message: `unknown API call ${shown}` } };
  }
  if (!mayCall(role, name, input)) {
    return {
      ok: false,
      error: {
        code: 'forbidden',
        message: `${name} needs the project owner's link; an ${role} link may only review`,
      },
    };
  }
  try {
    const method = service[name] as (input: unknown) => Promise<unknown>;
    const value = await method.call(service, input);
    return { ok: true, value: name === 'projectInfo' ? { ...(value as object), role } : value };
  } catch (e) {
    return { ok: false, error: toClientError(name, e, log) };
  }
}

const statusByCode: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  would_overwrite: 409,
  decided_by_other: 409,
  failed: 500,
};

/** The HTTP status of an error code (the HTTP server, and Electron's media protocol, answer with it). */
export function httpStatusOf(code: ApiErrorCode): number {
  return statusByCode[code];
}
