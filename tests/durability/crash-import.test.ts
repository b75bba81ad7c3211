import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { Project } from '../../src-main/core/store/project';
import {
  IMPORT_N,
  IMPORT_SIDE,
  importHash,
  importLabel,
  importPixel,
  importVersion,
} from '../helpers/durability-io';
import { targets } from '../helpers/project-fixture';
import { scratchDir } from './scratch';
import { runAndKill } from './child-process';

const ROUNDS = 20;
const SEED = 0x5eed02;

/** Asserts the live dataset is exactly version g (labels, hashes, pixels) and returns nothing. */
function expectVersion(project: Project, g: number): void {
  const samples = project.getSamples();
  expect(samples.length).toBe(IMPORT_N);
  expect(project.getDatasetInfo()?.numSamples).toBe(IMPORT_N);
  const { pixels, n } = project.readPixels();
  expect(n).toBe(IMPORT_N);
  const per = IMPORT_SIDE * IMPORT_SIDE;
  samples.forEach((s, i) => {
    if (s.index !== i || s.hash !== importHash(g, i) || s.givenLabel !== importLabel(g, i)) {
      throw new Error(`sample ${i} is ${JSON.stringify(s)}, not version ${g}`);
    }
    if (pixels[i * per] !== importPixel(g, i) || pixels[i * per + per - 1] !== importPixel(g, i)) {
      throw new Error(`pixels of sample ${i} are not those of version ${g}`);
    }
  });
}

describe('crash safety: dataset import', () => {
  it(`a SIGKILL during an import leaves the previous dataset intact (${ROUNDS} rounds)`, async () => {
    const dir = scratchDir();
    const path = join(dir, 'p.relabel');
    const project = Project.create(path);
    importVersion(project, 0);
    // Review work done before the re-imports: it must survive every one of them.
    project.decisions.record(targets(project, [1, 2, 3]), 'exclude', null, 'alice');
    project.decisions.record(targets(project, [10]), 'relabel', 2, 'alice');
    project.close();

    const rng = mulberry32(SEED);
    let live = 0;
    let next = 1;
    let midImport = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const lines = await runAndKill(
        'durability-importer.ts',
        [`project=${path}`, `from=${next}`],
        50 + rng() * 350,
      );
      let begun: number | null = null;
      for (const line of lines) {
        const [tag, g] = line.split(' ');
        if (tag === 'begin') begun = Number(g);
        if (tag === 'commit') {
          live = Number(g);
          begun = null;
        }
      }
      const p = Project.open(path);
      try {
        expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const g = Number(p.getSample(0)?.hash.slice(1).split('-')[0]);
        // Either the last acknowledged version, or the one whose commit had finished but was not printed yet.
        if (begun !== null && g === begun) live = begun;
        else if (begun !== null) midImport++;
        expectVersion(p, live);
        expect(p.decisions.current().map((d) => [d.sampleIndex, d.action])).toEqual([
          [1, 'exclude'],
          [2, 'exclude'],
          [3, 'exclude'],
          [10, 'relabel'],
        ]);
      } finally {
        p.close();
      }
      next = Math.max(live, begun ?? 0) + 1;
    }

    // The next import succeeds and clears what the killed ones left behind.
    const p = Project.open(path);
    importVersion(p, next);
    expectVersion(p, next);
    expect(p.db.prepare(`SELECT count(*) AS n FROM samples WHERE gen <> ?`).get(p.datasetGeneration)).toEqual(
      { n: 0 },
    );
    expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
    p.close();

    expect(midImport).toBeGreaterThan(0);
    console.log(
      `[durability] import: ${ROUNDS} SIGKILLs (${midImport} in the middle of an import of ${IMPORT_N} images), ` +
        `${next - 1} imports committed; previous dataset intact and readable every time, decisions kept, next import ok`,
    );
  });
});
