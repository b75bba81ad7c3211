import { describe, expect, it } from 'vitest';
import { makeProject, targets } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

describe('decision history', () => {
  it('records who decided what and when; the latest event is the current decision', () => {
    const p = makeProject(tempDir(), [0, 1, 1, 0]);
    const first = p.decisions.record(targets(p, [1]), 'relabel', 0, 'alice');
    expect(first.decisions[0]).toMatchObject({
      sampleIndex: 1,
      action: 'relabel',
      finalLabel: 0,
      annotator: 'alice',
    });
    expect(first.decisions[0].decidedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    p.decisions.record(targets(p, [1]), 'exclude', null, 'bob');
    expect(p.decisions.currentFor(['img1.png', 'img2.png'])).toEqual([
      expect.objectContaining({ action: 'exclude', finalLabel: null, annotator: 'bob' }),
      null,
    ]);
    expect(p.decisions.history('img1.png').map((e) => [e.action, e.annotator])).toEqual([
      ['relabel', 'alice'],
      ['exclude', 'bob'],
    ]);
    expect(p.decisions.counts()).toEqual({ keep: 0, relabel: 0, exclude: 1 });
    p.close();
  });

  it('stores a relabel to the given label as a keep', () => {
    const p = makeProject(tempDir(), [0, 1]);
    const r = p.decisions.record(targets(p, [1]), 'relabel', 1, 'a');
    expect(r.decisions[0]).toMatchObject({ action: 'keep', finalLabel: 1 });
    p.close();
  });

  it('the history cannot be edited or deleted', () => {
    const p = makeProject(tempDir(), [0, 1]);
    p.decisions.record(targets(p, [0]), 'keep', null, 'a');
    expect(() => p.db.prepare(`UPDATE decision_events SET action = 'exclude'`).run()).toThrow(/append-only/);
    expect(() => p.db.prepare(`DELETE FROM decision_events`).run()).toThrow(/append-only/);
    p.close();
  });

  it('undo restores the previous state, redo re-applies, per annotator, bulk batches as one step', () => {
    const p = makeProject(tempDir(), [0, 1, 1, 0, 1]);
    p.decisions.record(targets(p, [0]), 'keep', null, 'alice');
    p.decisions.record(targets(p, [0]), 'relabel', 1, 'alice');
    p.decisions.record(targets(p, [2, 3, 4]), 'exclude', null, 'alice');
    p.decisions.record(targets(p, [1]), 'exclude', null, 'bob');

    const undone = p.decisions.undo('alice');
    expect(undone.paths).toEqual(['img2.png', 'img3.png', 'img4.png']);
    expect(p.decisions.currentFor(['img2.png', 'img3.png', 'img4.png'])).toEqual([null, null, null]);
    expect(p.decisions.currentFor(['img1.png'])[0]?.action).toBe('exclude'); // bob untouched

    p.decisions.undo('alice');
    expect(p.decisions.currentFor(['img0.png'])[0]?.action).toBe('keep');
    p.decisions.redo('alice');
    expect(p.decisions.currentFor(['img0.png'])[0]).toMatchObject({ action: 'relabel', finalLabel: 1 });
    p.decisions.redo('alice');
    expect(p.decisions.counts()).toEqual({ keep: 0, relabel: 1, exclude: 4 });
    expect(p.decisions.redo('alice').batchId).toBeNull();

    // A new decision clears the redo stack.
    p.decisions.undo('alice');
    p.decisions.record(targets(p, [2]), 'keep', null, 'alice');
    expect(p.decisions.redo('alice').paths).toEqual([]);
    // Undo all the way down, then nothing left.
    for (let i = 0; i < 5; i++) p.decisions.undo('alice');
    expect(p.decisions.undo('alice').batchId).toBeNull();
    expect(p.decisions.current().map((d) => d.path)).toEqual(['img1.png']);
    // Every step is in the audit trail.
    expect(p.decisions.allEvents().length).toBeGreaterThan(10);
    p.close();
  });
});
