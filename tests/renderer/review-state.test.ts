/**
 * The review state (src-renderer/review) against the real service over a real project file, with the wire in
 * the test's hand (review-harness.ts): answers held back, calls failed, events delivered late or early.
 * Each test names the bug of issue 15 it pins where there is one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../src-main/core/store/project';
import {
  shownDecision,
  type ReviewInput,
  type ReviewState,
} from '../../src-renderer/review/review-state.svelte';
import { ReviewModel, type ModelIssue, type ModelKey } from '../../e2e/helpers/review-model';
import { openReview, reviewProject, serviceFor, settle, Wire } from './review-harness';
import type { RelabelService } from '../../src-main/core/service';

const ann = { session: 'session-ann-0001', annotator: 'ann' };
const bob = { session: 'session-bob-0001', annotator: 'bob' };

let services: RelabelService[] = [];
afterEach(async () => {
  for (const s of services) await s.close();
  services = [];
});

function setup(n: number) {
  const path = reviewProject(n);
  const service = serviceFor(path);
  services.push(service);
  return { path, wire: new Wire(service) };
}

/** Current decisions as the project file has them: sample index → action (or relabel:label). */
function saved(path: string): Map<number, string> {
  const p = Project.open(path, { readonly: true });
  try {
    return new Map(
      p.decisions
        .current()
        .map((d) => [d.sampleIndex, d.action === 'relabel' ? `relabel:${d.finalLabel}` : d.action]),
    );
  } finally {
    p.close();
  }
}

function decideEvents(path: string) {
  const p = Project.open(path, { readonly: true });
  try {
    return p.decisions.allEvents();
  } finally {
    p.close();
  }
}

const shownRank = (r: ReviewState) => r.current?.issue.rank;

describe('review state: keys apply in order, to the issue on screen', () => {
  it('55 fast keeps across the page boundary with status=undecided decide 55 issues once each, in rank order (bug 4)', async () => {
    const { path, wire } = setup(120);
    const review = openReview(wire, ann);
    review.filter = { status: 'undecided' };
    await review.reload();
    wire.hold.add('getIssues'); // the second page arrives late: keys must wait for it, not re-decide #50
    for (let i = 0; i < 55; i++) review.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await settle();
    await wire.releaseAll();
    await review.saved();
    const events = decideEvents(path).filter((e) => e.kind === 'decide');
    expect(events).toHaveLength(55);
    expect(events.map((e) => e.sampleIndex)).toEqual(Array.from({ length: 55 }, (_, i) => i));
    expect(shownRank(review)).toBe(56);
  });

  it('a key right after Ctrl+Z applies to the undone issue, even before the server answered anything (bug 3)', async () => {
    const { path, wire } = setup(10);
    const review = openReview(wire, ann);
    await review.reload();
    wire.hold.add('decide').add('undo');
    review.dispatch({ type: 'decide', cmd: { type: 'keep' } }); // #1 kept, view moves to #2
    expect(shownRank(review)).toBe(2);
    review.dispatch({ type: 'undo' }); // #1 shown again, undecided, at once
    expect(shownRank(review)).toBe(1);
    expect(shownDecision(review.current!)).toBeNull();
    review.dispatch({ type: 'decide', cmd: { type: 'exclude' } }); // lands on #1
    expect(shownRank(review)).toBe(2);
    await wire.releaseAll();
    await review.saved();
    expect(saved(path)).toEqual(new Map([[0, 'exclude']]));
    expect(wire.mutations()).toEqual(['decide', 'undo', 'decide']);
  });

  it('undo and redo reach across pages and open the undone issue', async () => {
    const { path, wire } = setup(80);
    const review = openReview(wire, ann);
    await review.reload();
    for (let i = 0; i < 52; i++) review.dispatch({ type: 'decide', cmd: { type: 'accept' } });
    await review.saved();
    for (let i = 0; i < 3; i++) review.dispatch({ type: 'undo' });
    await review.saved();
    expect(shownRank(review)).toBe(50);
    expect(saved(path).size).toBe(49);
    review.dispatch({ type: 'redo' });
    await review.saved();
    expect(shownRank(review)).toBe(50);
    expect(saved(path).get(49)).toBe('relabel:0');
  });

  it('after a reload (nothing mirrored) undo waits for the server, and keys after it wait too', async () => {
    const { path, wire } = setup(10);
    const first = openReview(wire, ann);
    await first.reload();
    first.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    first.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await first.saved();
    first.dispose();
    const again = openReview(wire, ann); // same session, fresh page
    await again.reload();
    expect(shownRank(again)).toBe(3);
    again.dispatch({ type: 'undo' });
    again.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    await again.saved();
    expect(saved(path)).toEqual(
      new Map([
        [0, 'keep'],
        [1, 'exclude'],
      ]),
    );
  });
});

describe('review state: saves', () => {
  it('a failed save reverts the issue, says so, and is not undone by the next Ctrl+Z', async () => {
    const { path, wire } = setup(5);
    const notes: string[] = [];
    const review = openReview(wire, ann, notes);
    await review.reload();
    review.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await review.saved();
    wire.failNext.set('decide', Object.assign(new Error('disk full'), { code: 'conflict' }));
    review.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    await review.saved();
    const second = review.list.find(1)!;
    expect(shownDecision(second)).toBeNull();
    expect(second.save).toEqual({ status: 'error', message: 'disk full' });
    expect(notes).toContain('Not saved: disk full');
    review.dispatch({ type: 'undo' });
    await review.saved();
    expect(saved(path).size).toBe(0); // the keep of #1 was undone, not the failed exclude
  });

  it('a save whose answer got lost but whose event arrived counts as saved', async () => {
    const { path, wire } = setup(5);
    const review = openReview(wire, ann);
    await review.reload();
    wire.hold.add('decide');
    review.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    await settle();
    const held = wire.held.shift()!;
    // The server saves and announces it; the answer is lost on the way back.
    await (wire.service.decide(held.input as never) as Promise<unknown>);
    wire.deliver(review);
    held.fail(new Error('cannot reach the Relabel server'));
    await review.saved();
    const item = review.list.find(0)!;
    expect(item.save).toEqual({ status: 'saved' });
    expect(shownDecision(item)?.action).toBe('exclude');
    expect(saved(path).get(0)).toBe('exclude');
  });

  it('an older event arriving after a newer answer never rolls a sample back', async () => {
    const { wire } = setup(5);
    const review = openReview(wire, ann);
    await review.reload();
    review.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await review.saved();
    const stale = wire.events.splice(0); // the keep's event, held back
    review.dispatch({ type: 'goto', pos: 0 });
    review.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    await review.saved();
    for (const e of stale) review.onEvent(e); // arrives late
    expect(shownDecision(review.list.find(0)!)?.action).toBe('exclude');
  });
});

describe('review state: several annotators', () => {
  it('shows another annotator’s decision from its event and asks before overwriting it (bug 11)', async () => {
    const { path, wire } = setup(6);
    const a = openReview(wire, ann);
    const b = openReview(wire, bob);
    await a.reload();
    await b.reload();
    wire.events.length = 0;
    b.dispatch({ type: 'decide', cmd: { type: 'exclude' } }); // bob excludes #1
    await b.saved();
    wire.deliver(a);
    expect(shownDecision(a.list.find(0)!)).toMatchObject({ action: 'exclude', annotator: 'bob' });
    a.dispatch({ type: 'decide', cmd: { type: 'keep' } }); // ann is still on #1
    expect(a.question?.title).toBe('Overwrite a decision');
    a.dispatch({ type: 'decide', cmd: { type: 'keep' } }); // waits for the answer
    a.question!.answer(true);
    await a.saved();
    expect(saved(path).get(0)).toBe('keep');
    // The second key went to the next issue ann was steered to: #2 is on bob's screen, so #3.
    expect(saved(path).get(1)).toBeUndefined();
    expect(saved(path).get(2)).toBe('keep');
  });

  it('a stale view is refused by the server with decided_by_other, then asked about', async () => {
    const { path, wire } = setup(6);
    const a = openReview(wire, ann);
    const b = openReview(wire, bob);
    await a.reload();
    await b.reload();
    b.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    await b.saved(); // ann never hears of it
    a.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    for (let i = 0; i < 100 && !a.question; i++) await settle();
    expect(a.question?.message).toMatch(/already decided by bob \(exclude\)/);
    expect(saved(path).get(0)).toBe('exclude');
    a.question!.answer(true);
    await a.saved();
    expect(saved(path).get(0)).toBe('keep');
  });

  it('each session has its own undo stack: bob’s Ctrl+Z never undoes ann’s decision', async () => {
    const { path, wire } = setup(6);
    const a = openReview(wire, ann);
    const b = openReview(wire, bob);
    await a.reload();
    a.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await a.saved();
    await b.reload();
    b.dispatch({ type: 'undo' });
    await b.saved();
    expect(saved(path).get(0)).toBe('keep');
  });

  it('steers a second annotator past the issue the first one has on screen', async () => {
    const { wire } = setup(6);
    const a = openReview(wire, ann);
    await a.reload(); // ann on #1
    a.dispatch({ type: 'decide', cmd: { type: 'keep' } }); // ann on #2, claimed in the same call
    await a.saved();
    const b = openReview(wire, bob);
    await b.reload();
    expect(shownRank(b)).toBe(3);
    expect(b.list.find(1)?.claim?.annotator).toBe('ann');
  });
});

describe('review state: bulk and stale sets', () => {
  it('grid "accept suggestions" over mixed suggested classes is one batch and one undo (bug 7)', async () => {
    const path = reviewProject(6, [0, 1, 0, 1, 0, 1]);
    const service = serviceFor(path);
    services.push(service);
    const wire = new Wire(service);
    const review = openReview(wire, ann);
    await review.reload();
    review.decideMany(review.list.items.slice(0, 4), { type: 'accept' });
    await review.saved();
    expect(saved(path)).toEqual(
      new Map([
        [0, 'relabel:1'],
        [1, 'relabel:0'],
        [2, 'relabel:1'],
        [3, 'relabel:0'],
      ]),
    );
    expect(wire.mutations()).toEqual(['acceptSuggestions']);
    review.dispatch({ type: 'undo' });
    await review.saved();
    expect(saved(path).size).toBe(0);
  });

  it('accept-all leaves decided issues alone unless asked to include them (bug 1)', async () => {
    const { path, wire } = setup(8);
    const review = openReview(wire, ann);
    await review.reload();
    review.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    review.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await review.saved();
    expect(await review.previewAcceptAll(0.005)).toEqual({ undecided: 3, decided: 2, decidedByOthers: 0 });
    expect(await review.acceptAll(0.005, false)).toBe(3);
    await review.saved();
    expect(saved(path).get(0)).toBe('exclude');
    expect(saved(path).get(1)).toBe('keep');
    expect(saved(path).get(2)).toBe('relabel:1');
    expect(await review.acceptAll(0.005, true)).toBe(5);
    expect(saved(path).get(0)).toBe('relabel:1');
  });

  it('after a re-import the old queue takes no decision, and the server refuses one through old indices (bug 2)', async () => {
    const { path, wire } = setup(6);
    const notes: string[] = [];
    const review = openReview(wire, ann, notes);
    await review.reload();
    const p = Project.open(path);
    const { importLabels } = await import('./review-harness');
    importLabels(p, [1, 0, 1], undefined, ['other0.png', 'other1.png', 'other2.png']);
    p.close();
    // The old page still believes in the old generation: the server refuses.
    review.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await review.saved();
    expect(notes.at(-1)).toMatch(/re-imported since this review was loaded/);
    expect(saved(path).size).toBe(0);
    // Reloaded, the set says it is out of date and the review takes no decision at all.
    await review.reload();
    expect(review.list.set?.stale).toBe(true);
    review.dispatch({ type: 'decide', cmd: { type: 'keep' } });
    await review.saved();
    expect(notes.at(-1)).toMatch(/made before the dataset was re-imported/);
    await expect(wire.service.acceptSuggestions({ maxQuality: 1 })).rejects.toThrow(
      /made before the dataset was re-imported/,
    );
  });
});

describe('review state: stress', () => {
  it('1,000 random keys with answers held and released at random: the log replays to what the keys imply', async () => {
    const { path, wire } = setup(160);
    const review = openReview(wire, ann);
    await review.reload();
    const issues = review.list.items.map((x) => x.issue);
    while (!review.list.complete) await review.list.loadMore();
    const all: ModelIssue[] = review.list.items.map((x) => ({
      rank: x.issue.rank,
      sampleIndex: x.issue.sampleIndex,
      given: x.issue.givenLabel,
      suggested: x.issue.suggestedLabel,
      quality: x.issue.quality,
    }));
    expect(issues.length).toBeGreaterThan(0);
    await review.reload(); // back to one loaded page: paging happens during the run
    wire.live(review); // its own events (claims included) come before the answers
    const model = new ReviewModel(all);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys: ModelKey[] = ['q', 'w', 'e', '0', '1', 'undo', 'redo', 'next', 'prev'];
    const weights = [5, 4, 2, 1, 1, 1.5, 1, 1.5, 1];
    const pick = () => {
      let x = rnd() * weights.reduce((a, b) => a + b);
      for (let i = 0; i < keys.length; i++) if ((x -= weights[i]) < 0) return keys[i];
      return keys[0];
    };
    const asInput = (k: ModelKey): ReviewInput =>
      k === 'undo' || k === 'redo' || k === 'next' || k === 'prev'
        ? { type: k }
        : k === 'q'
          ? { type: 'decide', cmd: { type: 'keep' } }
          : k === 'w'
            ? { type: 'decide', cmd: { type: 'accept' } }
            : k === 'e'
              ? { type: 'decide', cmd: { type: 'exclude' } }
              : { type: 'decide', cmd: { type: 'setClass', classId: Number(k) } };
    wire.hold.add('decide').add('undo').add('redo').add('getIssues');
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 200; i++) {
        const k = pick();
        model.press(k);
        review.dispatch(asInput(k));
        // Now and then the network answers some of what is pending, in order.
        if (rnd() < 0.3) {
          for (let n = Math.floor(rnd() * 3); n > 0 && wire.held.length; n--)
            await wire.held.shift()!.release();
          await settle();
        }
      }
      await wire.releaseAll();
      await review.saved();
      await wire.releaseAll();
      const given = round % 2 === 0 ? round % 4 : undefined;
      review.setFilter(given === undefined ? { status: 'all' } : { status: 'all', givenClass: given % 2 });
      model.setFilter(given === undefined ? () => true : (x) => x.given === given % 2);
      for (let n = 0; n < 20 && review.loading; n++) {
        await wire.releaseAll();
        await settle();
      }
      await review.idle();
    }
    await wire.releaseAll();
    await review.saved();
    const log = decideEvents(path);
    const state = new Map<number, string>();
    for (const e of log) {
      if (e.action === 'clear') state.delete(e.sampleIndex);
      else state.set(e.sampleIndex, e.action === 'relabel' ? `relabel:${e.newLabel}` : e.action);
    }
    expect(state).toEqual(model.state);
    const count = (k: string) => log.filter((e) => e.kind === k).length;
    expect({ decide: count('decide'), undo: count('undo'), redo: count('redo') }).toEqual(model.counts);
    expect(review.current?.issue.sampleIndex).toBe(model.current?.sampleIndex);
  });
});
