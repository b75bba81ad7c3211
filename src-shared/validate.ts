import type { ZodError } from 'zod';
import { apiInputs, type ApiName, type ApiParsed } from './api';

const MAX_ISSUES_LISTED = 5;

/** "path: message; path: message" — short enough for a toast, precise enough to fix the call. */
export function formatZodIssues(error: ZodError): string {
  const issues = error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  const more = issues.length > MAX_ISSUES_LISTED ? `; and ${issues.length - MAX_ISSUES_LISTED} more` : '';
  return issues.slice(0, MAX_ISSUES_LISTED).join('; ') + more;
}

/**
 * Checks one call's input against the contract: the parsed input (defaults filled in), or a one-line message
 * naming the call and every field at fault. The service runs every call through this, once.
 */
export function parseApiInput<K extends ApiName>(
  name: K,
  input: unknown,
): { ok: true; input: ApiParsed<K> } | { ok: false; message: string } {
  const parsed = apiInputs[name].safeParse(input);
  if (parsed.success) return { ok: true, input: parsed.data as ApiParsed<K> };
  return { ok: false, message: `${name}: ${formatZodIssues(parsed.error)}` };
}
