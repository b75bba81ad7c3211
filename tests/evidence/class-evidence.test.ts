import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ClassInfo } from '../../src-shared/domain';
import { classEvidence, classEvidenceView, classMap } from '../../src-main/core/evidence/class-evidence';
import { writeEvidenceFigures } from '../../src-main/core/evidence/figures';
import { Project } from '../../src-main/core/store/project';
import { tempDir } from '../helpers/tmp';

interface Case {
  name: string;
  width: number;
  height: number;
  channels: 1 | 3;
  labels: number[];
  pixels: number[];
  perClass: { classId: number; f: (number | string)[]; mask: number[] }[];
}
const { cases } = JSON.parse(
  readFileSync(new URL('../data/f-classif/cases.json', import.meta.url), 'utf8'),
) as { cases: Case[] };
const decode = (v: number | string) =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);

/** Imports a case's images into a project; `unreadable` adds images kept at their index with width 0. */
function importCase(project: Project, c: Case, unreadable: number[] = []): void {
  const k = Math.max(...c.labels) + 1;
  const classes: ClassInfo[] = Array.from({ length: k }, (_, id) => ({ id, name: `class ${id}` }));
  const w = project.beginImport(
    {
      format: 'seed',
      root: '/data',
      labelSource: '/data/label_train.txt',
      inputWidth: c.width,
      inputHeight: c.height,
      channels: c.channels,
    },
    classes,
  );
  const size = c.width * c.height * c.channels;
  const all = [
    ...c.labels.map((l, i) => ({ l, i, bad: false })),
    ...unreadable.map((l) => ({ l, i: -1, bad: true })),
  ];
  all.forEach(({ l, i, bad }, index) =>
    w.add(
      {
        index,
        path: `${index}.png`,
        hash: `h${index}`,
        width: bad ? 0 : c.width,
        height: bad ? 0 : c.height,
        givenLabel: l,
      },
      bad ? new Uint8Array(size).fill(255) : Uint8Array.from(c.pixels.slice(i * size, (i + 1) * size)),
      { data: new Uint8Array([1]), mime: 'image/png' },
    ),
  );
  w.commit();
}

describe('class-evidence map of a project', () => {
  it('equals scikit-learn f_classif per class over the readable images, and is cached per dataset generation', async () => {
    const dir = tempDir();
    const project = Project.create(join(dir, 'p.relabel'));
    const c = cases.find((x) => x.name === 'three-classes-gray')!;
    importCase(project, c, [0, 2]);
    const progress: number[] = [];
    const e = await classEvidence(project, { onProgress: (done) => progress.push(done) });
    expect(progress.at(-1)).toBe(c.labels.length + 2);
    expect(e.counts.reduce((a, b) => a + b, 0)).toBe(c.labels.length);
    for (const pc of c.perClass) expect(Array.from(classMap(e, pc.classId))).toEqual(pc.f.map(decode));

    const view = classEvidenceView(e);
    expect(view.maps.map((m) => m.classId)).toEqual([0, 1, 2]);
    for (const pc of c.perClass) expect(view.maps[pc.classId].mask).toEqual(pc.mask);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view); // no NaN or Infinity on the wire
    expect(view.maps[0].heat[98]).toBe(1); // the pixel constant within each group: F = ∞
    expect(view.maps[0].heat[0]).toBe(0); // constant everywhere: F = NaN
    expect(view.samples.map((s) => s.classId)).toEqual([0, 1, 2]);
    for (const { classId, indices } of view.samples) {
      expect(indices.length).toBe(6);
      for (const s of indices) expect(project.getSample(s)!.givenLabel).toBe(classId);
    }

    // Cached: the second call reads the stored row, also through a fresh connection.
    project.close();
    const again = Project.open(join(dir, 'p.relabel'));
    const cached = await classEvidence(again, { onProgress: () => expect.unreachable('recomputed') });
    expect(cached.createdAt).toBe(e.createdAt);
    expect(Array.from(cached.f)).toEqual(Array.from(e.f));

    // A re-import is a new generation: the map is recomputed and the old one dropped.
    importCase(
      again,
      cases.find((x) => x.name === 'tied-scores')!,
    );
    const next = await classEvidence(again);
    expect(next.generation).toBe(again.datasetGeneration);
    expect(next.width).toBe(10);
    expect(again.db.prepare('SELECT count(*) AS n FROM class_evidence').get()).toEqual({ n: 1 });
    again.close();
  });

  it('two classes show one map; the bright patch that defines the class lights up; figures are PNGs', async () => {
    const dir = tempDir();
    const project = Project.create(join(dir, 'p.relabel'));
    const c = cases.find((x) => x.name === 'bright-patch-rgb')!;
    importCase(project, c);
    const e = await classEvidence(project);
    const view = classEvidenceView(e);
    expect(view.maps).toHaveLength(1);
    expect(view.samples.map((x) => x.indices.length)).toEqual([6, 6]); // samples of both classes
    expect(view.maps[0].mask).toEqual(c.perClass[0].mask);
    const patch = (p: number) =>
      Math.floor(p / 12) >= 2 && Math.floor(p / 12) < 6 && p % 12 >= 6 && p % 12 < 10;
    expect(view.maps[0].mask.every(patch)).toBe(true);

    const files = writeEvidenceFigures(e, ['no patch', 'patch'], join(dir, 'fig'));
    expect(files.map((f) => f.slice(dir.length + 5))).toEqual([
      'evidence-0-no-patch-f.png',
      'evidence-0-no-patch-mask.png',
      'evidence-0-no-patch-panel.png',
    ]);
    const heat = await sharp(files[0]).raw().toBuffer({ resolveWithObject: true });
    expect([heat.info.width, heat.info.height]).toEqual([264, 264]); // 12 px × 22
    // Every patch block is drawn far brighter than any block outside the patch.
    const brightness = (p: number) => {
      const o = ((Math.floor(p / 12) * 22 + 11) * 264 + (p % 12) * 22 + 11) * 3;
      return heat.data[o] + heat.data[o + 1] + heat.data[o + 2];
    };
    const pixels = Array.from({ length: 144 }, (_, p) => p);
    const darkestPatch = Math.min(...pixels.filter(patch).map(brightness));
    const brightestOutside = Math.max(...pixels.filter((p) => !patch(p)).map(brightness));
    expect(darkestPatch).toBeGreaterThan(2 * brightestOutside);
    project.close();
  });

  it('a project without a dataset is a clear error', async () => {
    const project = Project.create(join(tempDir(), 'empty.relabel'));
    await expect(classEvidence(project)).rejects.toThrow(/no dataset yet/);
    project.close();
  });
});
