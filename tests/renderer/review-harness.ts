/**
 * The review state against the real service, over a real project file, with a hand on the wire: calls of
 * chosen names are held until released (or failed), and server events reach the client only when delivered.
 * Lets the tests put answers and events in any order a network could.
 */
import { join } from 'node:path';
import type { ApiEvent, ApiName, RelabelApi } from '../../src-shared/api';
import { createService, type RelabelService } from '../../src-main/core/service';
import { importLabels, makeProject } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';
import type { Timers } from '../../src-renderer/review/claim-keeper';
import type { ReviewIdentity } from '../../src-renderer/review/identity';
import { ReviewState } from '../../src-renderer/review/review-state.svelte';
import type { Project } from '../../src-main/core/store/project';

export interface Held {
  name: ApiName;
  input: unknown;
  release(): Promise<void>;
  fail(error: Error): void;
}

/** A project whose issue set ranks every sample: issue rank r is sample r-1, suggested label = 1 - given. */
export function reviewProject(n: number, labels = Array.from({ length: n }, (_, i) => i % 2)): string {
  const dir = tempDir();
  const project = makeProject(dir, labels);
  rankEverything(project);
  const path = project.path;
  project.close();
  return path;
}

export function rankEverything(project: Project): void {
  const labels = project.getGivenLabels();
  const n = labels.length;
  const runId = project.runs.create('imported', {});
  const probs = new Float32Array(n * 2);
  labels.forEach((l, i) => {
    probs[i * 2 + l] = 0.2;
    probs[i * 2 + (1 - l)] = 0.8;
  });
  project.runs.finish(runId, { status: 'done', probs: { numClasses: 2, values: probs } });
  project.issues.save(
    runId,
    'prune_by_noise_rate',
    'self_confidence',
    Array.from(labels, (l, i) => ({
      sampleIndex: i,
      path: project.getSample(i)!.path,
      givenLabel: l,
      suggestedLabel: 1 - l,
      quality: 0.001 * (i + 1),
    })),
  );
}

/** Timers that never fire: claims are exercised by their own tests. */
export const frozenTimers: Timers = { setTimeout: () => 0, clearTimeout: () => {} };

export class Wire {
  readonly held: Held[] = [];
  readonly events: ApiEvent[] = [];
  readonly calls: { name: ApiName; input: unknown }[] = [];
  /** Names whose calls wait for release(). */
  readonly hold = new Set<ApiName>();
  /** Names whose next call fails with this error (once). */
  readonly failNext = new Map<ApiName, Error>();
  readonly api: RelabelApi;

  constructor(readonly service: RelabelService) {
    service.subscribe((e) => this.events.push(e));
    this.api = new Proxy({} as RelabelApi, {
      get: (_t, name: string) => (input: unknown) => this.call(name as ApiName, input),
    });
  }

  private call(name: ApiName, input: unknown): Promise<unknown> {
    this.calls.push({ name, input });
    const run = () => (this.service[name] as (i: unknown) => Promise<unknown>)(input);
    const failure = this.failNext.get(name);
    if (failure) {
      this.failNext.delete(name);
      return Promise.reject(failure);
    }
    if (!this.hold.has(name)) return run();
    return new Promise((resolve, reject) => {
      this.held.push({
        name,
        input,
        release: async () => {
          await run().then(resolve, reject);
        },
        fail: (e) => reject(e),
      });
    });
  }

  /** Releases held calls in order until none is left (later calls may be queued behind earlier ones). */
  async releaseAll(): Promise<void> {
    while (this.held.length) {
      await this.held.shift()!.release();
      await settle();
    }
  }

  /**
   * From now on every event reaches `to` the moment the server emits it, before the answer of the call that
   * caused it (the order a server-sent event stream usually has).
   */
  live(to: ReviewState): void {
    this.service.subscribe((e) => to.onEvent(e));
  }

  /** Hands the events so far to a client (and forgets them). */
  deliver(to: ReviewState): void {
    for (const e of this.events.splice(0)) to.onEvent(e);
  }

  mutations(): string[] {
    return this.calls.map((c) => c.name).filter((n) => n !== 'getIssues' && n !== 'claimIssue');
  }
}

/** Lets promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export function openReview(wire: Wire, identity: ReviewIdentity, notes: string[] = []): ReviewState {
  return new ReviewState({
    api: wire.api,
    identity,
    notify: (m) => notes.push(m),
    onCounts: () => {},
    timers: frozenTimers,
    newRequestId: (() => {
      let n = 0;
      return () => `${identity.session}-r${++n}`;
    })(),
  });
}

export function serviceFor(path: string, annotator = 'server'): RelabelService {
  return createService({ projectPath: path, annotator });
}

export { importLabels, join };
