/**
 * Two services on one project file, as two processes would have it (a `relabel serve` and the CLI, or two
 * servers): what one commits, the other's clients hear of, as decisions events and `external-change` project
 * events, and nothing when only the service itself wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-shared/api';
import { createService, type OwnedService } from '../../src-main/core/service';
import { Project } from '../../src-main/core/store/project';
import { importLabels } from '../helpers/project-fixture';
import { reviewProject } from '../renderer/review-harness';
import { until } from './http-client';

const open: OwnedService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function serviceOn(projectPath: string, annotator: string, watchIntervalMs = 0) {
  const service = createService({ projectPath, annotator, watchIntervalMs });
  open.push(service);
  const events: ApiEvent[] = [];
  service.subscribe((e) => events.push(e));
  return { service, events };
}

/** The one watcher check a test triggers by hand (intervals are off). */
const checkNow = (s: OwnedService) => s.checkExternalChanges();

const byType = <T extends ApiEvent['type']>(events: ApiEvent[], type: T) =>
  events.filter((e): e is Extract<ApiEvent, { type: T }> => e.type === type);

describe('changes another process commits to the project file', () => {
  it("announces the other service's decisions, undo and bulk accepts as decisions events, with counts", async () => {
    const path = reviewProject(10);
    const a = serviceOn(path, 'alice');
    const b = serviceOn(path, 'bob');
    const bob = { annotator: 'bob', session: 'bob-session-1' };

    const decided = await b.service.decide({
      sampleIndices: [2],
      action: 'exclude',
      requestId: 'r1',
      by: bob,
    });
    checkNow(a.service);
    const first = byType(a.events, 'decisions');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      requestId: null,
      batchId: decided.batchId,
      sampleIndices: [2],
      eventIds: [decided.decisions[0].eventId],
      counts: { reviewed: 1, setTotal: 10 },
    });
    expect(first[0].decisions[0]).toMatchObject({ action: 'exclude', annotator: 'bob', sampleIndex: 2 });
    // Only decisions changed: the project summary is the same, no project event.
    expect(byType(a.events, 'project')).toEqual([]);

    // Two batches between checks: one event each, in order; the undo leaves sample 2 undecided.
    await b.service.acceptSuggestions({ sampleIndices: [4, 5], includeDecided: false, by: bob });
    const undone = await b.service.undo({ by: bob });
    a.events.length = 0;
    checkNow(a.service);
    const next = byType(a.events, 'decisions');
    expect(next.map((e) => e.sampleIndices)).toEqual([
      [4, 5],
      [4, 5],
    ]);
    // Both events carry the samples' state now (undone), with the ids of the undo's events: a client that
    // knows a state is never taken back to an older one.
    expect(next.map((e) => e.decisions)).toEqual([
      [null, null],
      [null, null],
    ]);
    expect(next.map((e) => e.eventIds)).toEqual([undone.eventIds, undone.eventIds]);
    expect(next.at(-1)!.counts.reviewed).toBe(1);
    expect((await a.service.projectInfo({})).counts.reviewed).toBe(1);
  });

  it('stays quiet when nothing changed or only this service wrote (its own decisions were announced already)', async () => {
    const path = reviewProject(6);
    const a = serviceOn(path, 'alice');
    serviceOn(path, 'bob');
    checkNow(a.service);
    expect(a.events).toEqual([]);
    await a.service.decide({ sampleIndices: [1], action: 'keep', requestId: 'own' });
    expect(byType(a.events, 'decisions').map((e) => e.requestId)).toEqual(['own']);
    checkNow(a.service);
    checkNow(a.service);
    expect(a.events).toHaveLength(1);
  });

  it('a new issue set, a finished run or a re-import made elsewhere is one external-change project event', async () => {
    const path = reviewProject(8);
    const a = serviceOn(path, 'alice');
    const b = serviceOn(path, 'bob');
    const before = await a.service.projectInfo({});

    const set = await b.service.computeIssues({ filterBy: 'predicted_neq_given' });
    checkNow(a.service);
    expect(byType(a.events, 'project')).toEqual([{ type: 'project', reason: 'external-change' }]);
    expect((await a.service.projectInfo({})).issueSet?.id).toBe(set.id);
    expect(set.id).not.toBe(before.issueSet?.id);

    // A re-import by a third connection (e.g. `relabel import`): the service drops what it cached of the
    // old dataset (the class counts) and its clients reload.
    a.events.length = 0;
    const other = Project.open(path);
    importLabels(other, [1, 1, 1, 1, 1, 0]);
    other.close();
    checkNow(a.service);
    expect(byType(a.events, 'project')).toEqual([{ type: 'project', reason: 'external-change' }]);
    const after = await a.service.projectInfo({});
    expect(after.dataset?.numSamples).toBe(6);
    expect(after.classCounts).toEqual([1, 5]);
  });

  it('checks on its own every interval', async () => {
    const path = reviewProject(4);
    const a = serviceOn(path, 'alice', 20);
    const b = serviceOn(path, 'bob');
    await b.service.decide({ sampleIndices: [3], action: 'keep' });
    await until(() => byType(a.events, 'decisions').length === 1, 5000);
    expect(byType(a.events, 'decisions')[0].sampleIndices).toEqual([3]);
  });
});
