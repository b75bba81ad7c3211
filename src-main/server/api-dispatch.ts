import type { ZodError } from 'zod';
import { apiInputs, apiNames, type ApiErrorBody, type ApiName } from '../../src-shared/api';
import { isServiceError, type ApiErrorCode, type TransportService } from './service-port';

/** The result of one API call as both transports carry it (IPC as is, HTTP as status + JSON body). */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ApiErrorBody['error'] };

/** Where internal errors (bugs, not user errors) go: their stack never reaches a client. */
export type InternalErrorLog = (context: string, error: unknown) => void;

export const logToStderr: InternalErrorLog = (context, error) => {
  console.error(`[relabel] internal error in ${context}:`, error);
};

export const INTERNAL_ERROR_MESSAGE = 'internal error (see server log)';

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && (apiNames as readonly string[]).includes(name);
}

const MAX_ISSUES_LISTED = 5;

/** "path: message; path: message" — short enough for a toast, precise enough to fix the call. */
export function formatZodIssues(error: ZodError): string {
  const issues = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  const more = issues.length > MAX_ISSUES_LISTED ? `; and ${issues.length - MAX_ISSUES_LISTED} more` : '';
  return issues.slice(0, MAX_ISSUES_LISTED).join('; ') + more;
}

/** Checks the call name and input against the contract; returns the parsed input (defaults filled in). */
export function validateCall(
  name: unknown,
  input: unknown,
): { ok: true; name: ApiName; input: unknown } | { ok: false; error: ApiErrorBody['error'] } {
  if (!isApiName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : typeof name;
    return { ok: false, error: { code: 'not_found', message: `unknown API call ${shown}` } };
  }
  const parsed = apiInputs[name].safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'invalid_input', message: `${name}: ${formatZodIssues(parsed.error)}` },
    };
  }
  return { ok: true, name, input: parsed.data };
}

/** Maps any thrown value to the error a client may see: ServiceError as is, everything else generic. */
export function toClientError(context: string, error: unknown, log: InternalErrorLog): ApiErrorBody['error'] {
  if (isServiceError(error)) return { code: error.code, message: error.message };
  log(context, error);
  return { code: 'failed', message: INTERNAL_ERROR_MESSAGE };
}

/** Validates and runs one call; never throws. */
export async function dispatchCall(
  service: TransportService,
  name: unknown,
  input: unknown,
  log: InternalErrorLog = logToStderr,
): Promise<CallOutcome> {
  const call = validateCall(name, input);
  if (!call.ok) return call;
  try {
    const method = service[call.name] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await method.call(service, call.input) };
  } catch (e) {
    return { ok: false, error: toClientError(call.name, e, log) };
  }
}

const statusByCode: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  would_overwrite: 409,
  failed: 500,
};

export function httpStatusOf(code: ApiErrorCode): number {
  return statusByCode[code];
}
