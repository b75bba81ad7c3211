import { execFileSync } from 'node:child_process';

/**
 * One API call to a running `relabel serve`, as another client would make it (with the server's token when its
 * URL carries one).
 */
export async function callApi<T = unknown>(serverUrl: string, name: string, body: unknown = {}): Promise<T> {
  const url = new URL(serverUrl);
  const token = url.searchParams.get('token');
  const res = await fetch(new URL(`/api/${name}`, url.origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${name} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Adds a finished hold-out run and a retrain to a project from another process (no training). */
export function addHoldoutRuns(project: string): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'e2e/helpers/add-holdout-runs.ts', project], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}
