import { join } from 'node:path';
import type { ClassInfo } from '../../src-shared/domain';
import { Project } from '../../src-main/core/store/project';

/** A real project file with `n` tiny 2x2 grayscale samples named img<i>.png, labels as given. */
export function makeProject(
  dir: string,
  labels: number[],
  opts: { name?: string; classes?: ClassInfo[]; root?: string; labelSource?: string | null } = {},
): Project {
  const project = Project.create(join(dir, opts.name ?? 'p.relabel'));
  importLabels(project, labels, opts.classes, undefined, opts);
  return project;
}

/** `where`: the dataset folder and label file the project records (default /data, not on disk). */
export function importLabels(
  project: Project,
  labels: number[],
  classes?: ClassInfo[],
  paths?: string[],
  where: { root?: string; labelSource?: string | null } = {},
): void {
  const k = Math.max(1, ...labels) + 1;
  const cls = classes ?? Array.from({ length: k }, (_, id) => ({ id, name: `class${id}` }));
  const w = project.beginImport(
    {
      format: 'seed',
      root: where.root ?? '/data',
      labelSource:
        where.labelSource !== undefined ? where.labelSource : join(where.root ?? '/data', 'label_train.txt'),
      inputWidth: 2,
      inputHeight: 2,
      channels: 1,
    },
    cls,
  );
  labels.forEach((label, index) =>
    w.add(
      {
        index,
        path: paths?.[index] ?? `img${index}.png`,
        hash: `h${index}`,
        width: 2,
        height: 2,
        givenLabel: label,
      },
      new Uint8Array([index & 255, 1, 2, 3]),
      { data: new Uint8Array([9]), mime: 'image/png' },
    ),
  );
  w.commit();
}

export const targets = (project: Project, indices: number[]) =>
  indices.map((i) => {
    const s = project.getSample(i)!;
    return { index: s.index, path: s.path, givenLabel: s.givenLabel };
  });
