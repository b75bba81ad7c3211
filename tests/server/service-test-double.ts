/**
 * TEST DOUBLE of the RelabelService, for transport-level tests only (routing, validation, errors, SSE,
 * media paths, auth, headers). It does no labelling work: each call is recorded and answered with a
 * value chosen by the test. Media bytes come from real files in a real folder.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  apiNames,
  type ApiErrorCode,
  type ApiEvent,
  type ApiName,
  type MediaKind,
} from '../../src-shared/api';
import { parseApiInput } from '../../src-shared/validate';
import type { TransportService } from '../../src-main/transport/service-port';

/** Same shape as the service's ServiceError: name "ServiceError" and a contract code. */
export class DoubleServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ServiceTestDouble extends TransportService {
  calls: { name: ApiName; input: unknown }[];
  /** What a call returns (or throws, when the value is an Error); default `{ ok: name }`. */
  answers: Partial<Record<ApiName, unknown>>;
  emit(event: ApiEvent): void;
  listenerCount(): number;
  closed: boolean;
}

/** `mediaDir/<kind>/<index>.png` are the media files. */
export function createServiceTestDouble(mediaDir: string): ServiceTestDouble {
  const listeners = new Set<(e: ApiEvent) => void>();
  const double = {
    calls: [] as { name: ApiName; input: unknown }[],
    answers: {} as Partial<Record<ApiName, unknown>>,
    closed: false,
    emit: (event: ApiEvent) => listeners.forEach((l) => l(event)),
    listenerCount: () => listeners.size,
    subscribe(listener: (e: ApiEvent) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async readMedia(kind: MediaKind, index: number) {
      try {
        return { data: await readFile(join(mediaDir, kind, `${index}.png`)), mime: 'image/png' };
      } catch {
        throw new DoubleServiceError('not_found', `no ${kind} for sample ${index}`);
      }
    },
    async close() {
      double.closed = true;
    },
  } as Record<string, unknown>;
  for (const name of apiNames) {
    double[name] = async (raw: unknown) => {
      // Validated as the real service validates (the transports leave that to it).
      const parsed = parseApiInput(name, raw);
      if (!parsed.ok) throw new DoubleServiceError('invalid_input', parsed.message);
      const input = parsed.input;
      (double.calls as { name: ApiName; input: unknown }[]).push({ name, input });
      const answer = (double.answers as Record<string, unknown>)[name] ?? { ok: name };
      if (answer instanceof Error) throw answer;
      return answer;
    };
  }
  return double as unknown as ServiceTestDouble;
}
