import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DecisionAction } from '../../src-shared/domain';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { Project } from '../../src-main/core/store/project';
import { makeProject } from '../helpers/project-fixture';
import { scratchDir } from './scratch';
import { runAndKill } from './child-process';

const ROUNDS = 20;
const N = 200;
const K = 4;
const SEED = 0x5eed01;

/** One decision event as history() shows it: [action, newLabel]. */
type Event = [DecisionAction, number | null];

/**
 * What the decider's lines prove: acknowledged batches (present for sure) and the one call that was in
 * flight when the kill came (present entirely or not at all).
 */
function parseDeciderLines(lines: string[], given: number[]) {
  const acked: [index: number, event: Event][][] = [];
  let inFlight: { seq: string; items: [number, Event][] } | null = null;
  for (const line of lines) {
    const [tag, seq, ...rest] = line.split(' ');
    if (tag === 'do') {
      const [action, label, list] = rest as [DecisionAction, string, string];
      const items = list.split(',').map((s): [number, Event] => {
        const i = Number(s);
        const effective = action === 'relabel' && Number(label) === given[i] ? 'keep' : action;
        return [i, [effective, effective === 'relabel' ? Number(label) : null]];
      });
      inFlight = { seq, items };
    } else if (tag === 'ack') {
      expect(inFlight?.seq).toBe(seq);
      const decisions = JSON.parse(rest.join(' ')) as [number, DecisionAction, number | null][];
      acked.push(decisions.map(([i, action, final]) => [i, [action, action === 'relabel' ? final : null]]));
      inFlight = null;
    }
  }
  return { acked, inFlight };
}

describe('crash safety: review decisions', () => {
  it(`keeps every acknowledged decision through ${ROUNDS} SIGKILLs at random moments`, async () => {
    const dir = scratchDir();
    const given = Array.from({ length: N }, (_, i) => (i * 5) % K);
    makeProject(dir, given).close();
    const path = join(dir, 'p.relabel');
    const rng = mulberry32(SEED);
    /** Expected history of each sample: every acknowledged decision, in order. */
    const history = new Map<number, Event[]>();
    let acknowledged = 0;
    let inFlightKept = 0;
    let inFlightDropped = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const delay = 20 + Math.floor(rng() * 400);
      const lines = await runAndKill(
        'durability-decider.ts',
        [`project=${path}`, `seed=${round + 1}`],
        delay,
      );
      const { acked, inFlight } = parseDeciderLines(lines, given);
      for (const batch of acked) {
        for (const [i, e] of batch) history.set(i, [...(history.get(i) ?? []), e]);
        acknowledged += batch.length;
      }

      const project = Project.open(path);
      try {
        expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const actual = (i: number): Event[] =>
          project.decisions.history(`img${i}.png`).map((e) => [e.action as DecisionAction, e.newLabel]);
        // The interrupted call is one transaction: all of its samples have it, or none.
        let committed: boolean | null = null;
        for (const [i, e] of inFlight?.items ?? []) {
          const got = actual(i);
          const has = got.length === (history.get(i)?.length ?? 0) + 1;
          committed ??= has;
          expect(has, `in-flight batch partially saved (sample ${i})`).toBe(committed);
          if (has) {
            expect(got.at(-1)).toEqual(e);
            history.set(i, [...(history.get(i) ?? []), e]);
          }
        }
        if (committed === true) inFlightKept++;
        if (committed === false) inFlightDropped++;
        for (let i = 0; i < N; i++) expect(actual(i), `history of sample ${i}`).toEqual(history.get(i) ?? []);
        // The current decision is the last acknowledged one.
        const current = new Map(project.decisions.current().map((d) => [d.sampleIndex, d]));
        for (const [i, events] of history) {
          const [action, label] = events.at(-1)!;
          const finalLabel = action === 'exclude' ? null : action === 'relabel' ? label : given[i];
          expect(current.get(i)).toMatchObject({ action, finalLabel });
        }
        expect(current.size).toBe(history.size);
      } finally {
        project.close();
      }
    }

    expect(acknowledged).toBeGreaterThan(ROUNDS * 10);
    console.log(
      `[durability] decisions: ${ROUNDS} SIGKILLs, ${acknowledged} acknowledged decisions checked after every kill, ` +
        `0 lost; ${inFlightKept + inFlightDropped} kills hit a call in flight (${inFlightKept} saved whole, ` +
        `${inFlightDropped} rolled back whole); integrity_check ok`,
    );
  });
});
