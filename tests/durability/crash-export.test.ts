import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { EXPORT_FILES, exportLabels, MANIFEST_NAME } from '../../src-main/core/export/export';
import { Project } from '../../src-main/core/store/project';
import { sha1 } from '../helpers/durability-io';
import { makeProject } from '../helpers/project-fixture';
import { scratchDir } from './scratch';
import { runAndKill } from './child-process';

const ROUNDS = 20;
const N = 20_000;
const SEED = 0x5eed04;

type Hashes = Record<string, string>;

describe('crash safety: export', () => {
  it(`an export killed at a random moment leaves complete old or new files (${ROUNDS} rounds)`, async () => {
    const dir = scratchDir();
    makeProject(
      dir,
      Array.from({ length: N }, (_, i) => i % 3),
    ).close();
    const path = join(dir, 'p.relabel');
    const out = join(dir, 'export');
    const rng = mulberry32(SEED);
    let lastAcked: Hashes | null = null;
    let next = 0;
    let exports = 0;
    let midExport = 0;
    let newerContent = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const lines = await runAndKill(
        'durability-exporter.ts',
        [`project=${path}`, `out=${out}`, `from=${next}`],
        50 + rng() * 400,
      );
      let exporting = false;
      for (const line of lines) {
        const [tag, s, json] = line.split(' ');
        if (tag === 'decide') next = Number(s) + 1;
        if (tag === 'export') exporting = true;
        if (tag === 'exported') {
          lastAcked = JSON.parse(json) as Hashes;
          exports++;
          exporting = false;
        }
      }
      if (exporting) midExport++;
      if (!lastAcked) continue;

      // The content an export of the project as saved now would have: the only "new" the files can hold.
      const p = Project.open(path);
      let current: Hashes;
      try {
        const check = join(dir, `check-${round}`);
        await exportLabels(p, check);
        current = Object.fromEntries(EXPORT_FILES.map((f) => [f, sha1(readFileSync(join(check, f)))]));
      } finally {
        p.close();
      }
      const onDisk: Hashes = {};
      for (const f of EXPORT_FILES) {
        const file = join(out, f);
        expect(existsSync(file), `${f} exists`).toBe(true);
        onDisk[f] = sha1(readFileSync(file));
        expect([lastAcked[f], current[f]], `${f} is the old or the new export, complete`).toContain(
          onDisk[f],
        );
        if (onDisk[f] !== lastAcked[f]) newerContent++;
      }
      // An export that finished just before the kill (not acknowledged) is the "old" content of the next round.
      lastAcked = onDisk;
      const labels = readFileSync(join(out, 'label_train.txt'), 'utf8');
      expect(labels.endsWith('\n')).toBe(true);
      const rows = labels.slice(0, -1).split('\n');
      expect(rows.length).toBe(N);
      expect(rows.every((r) => /^\d+$/.test(r))).toBe(true);
      JSON.parse(readFileSync(join(out, 'decisions.json'), 'utf8'));
    }

    // A later successful export leaves no temporary file of a killed one behind.
    const p = Project.open(path);
    await exportLabels(p, out);
    p.close();
    expect(readdirSync(out).sort()).toEqual([...EXPORT_FILES, MANIFEST_NAME].sort());

    expect(exports).toBeGreaterThan(0);
    console.log(
      `[durability] export: ${ROUNDS} SIGKILLs (${midExport} while writing ${N}-line label_train.txt and the audit), ` +
        `${exports} exports acknowledged; every file complete (old or new content; ${newerContent} held the new, not yet acknowledged one), ` +
        `no half-written file`,
    );
  });
});
