import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { Project } from '../../src-main/core/store/project';
import { foldData } from '../helpers/durability-io';
import { makeProject } from '../helpers/project-fixture';
import { scratchDir } from './scratch';
import { runAndKill } from './child-process';

const ROUNDS = 20;
const SEED = 0x5eed03;

const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('crash safety: training fold results', () => {
  it(`keeps every acknowledged fold and resumes the run after ${ROUNDS} SIGKILLs`, async () => {
    const dir = scratchDir();
    const project = makeProject(dir, [0, 1, 2, 0, 1, 2]);
    const runId = project.runs.create('cv', { folds: 5 });
    project.close();
    const path = join(dir, 'p.relabel');
    const rng = mulberry32(SEED);
    const stored = new Set<number>();
    let inFlightHits = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const lines = await runAndKill(
        'durability-folds.ts',
        [`project=${path}`, `run=${runId}`],
        20 + rng() * 300,
      );
      // The resumed run continues right after the last stored fold.
      expect(lines[0]).toBe(`ready ${stored.size}`);
      let inFlight: number | null = null;
      for (const line of lines.slice(1)) {
        const [tag, f] = line.split(' ');
        if (tag === 'do') inFlight = Number(f);
        if (tag === 'ack') {
          expect(Number(f)).toBe(inFlight);
          stored.add(inFlight!);
          inFlight = null;
        }
      }

      const p = Project.open(path);
      try {
        expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
        // What the app does at start-up: the killed run is marked interrupted, ready to resume.
        expect(p.runs.markInterrupted()).toEqual([runId]);
        expect(p.runs.get(runId)?.status).toBe('cancelled');
        const folds = p.runs.folds(runId);
        const numbers = folds.map((f) => f.fold);
        if (inFlight !== null) {
          inFlightHits++;
          if (numbers.includes(inFlight)) stored.add(inFlight);
        }
        expect(numbers).toEqual([...stored].sort((a, b) => a - b));
        for (const f of folds) {
          const want = foldData(f.fold);
          expect(bytes(f.probs).equals(bytes(want.probs)), `probabilities of fold ${f.fold}`).toBe(true);
          expect(bytes(f.testIndices).equals(bytes(want.testIndices)), `test indices of fold ${f.fold}`).toBe(
            true,
          );
          expect(f.curve).toEqual(want.curve);
        }
      } finally {
        p.close();
      }
    }

    expect(stored.size).toBeGreaterThan(ROUNDS);
    console.log(
      `[durability] training folds: ${ROUNDS} SIGKILLs (${inFlightHits} during a save), ${stored.size} acknowledged ` +
        `fold results checked byte for byte after every kill, 0 lost; the run resumed each time`,
    );
  });
});
