import { join } from 'node:path';
import { encodeFloat16 } from '../../src-main/core/features/float16';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { Project } from '../../src-main/core/store/project';

export const DIM = 20; // not a multiple of 8: rows are padded to the kernels' stride

/**
 * n rows in a few clusters (non-negative, like ReLU6 features), with planted near-duplicates (a copy of an
 * earlier row plus tiny noise), a far-off outlier direction, and one all-zero row.
 */
export function constructed(
  n: number,
  seed: number,
): { bits: Uint16Array; copies: [number, number][]; far: number[] } {
  const rng = mulberry32(seed);
  const values = new Float32Array(n * DIM);
  const centres = [0, 1, 2].map(() => Float32Array.from({ length: DIM }, () => rng() * 3));
  for (let i = 0; i < n; i++)
    for (let d = 0; d < DIM; d++) values[i * DIM + d] = Math.max(0, centres[i % 3][d] + rng() * 2 - 1);
  const copies: [number, number][] = [
    [3, 150],
    [10, 11],
    [40, 199],
  ];
  for (const [from, to] of copies)
    for (let d = 0; d < DIM; d++) values[to * DIM + d] = values[from * DIM + d] * (1 + (rng() - 0.5) * 1e-3);
  const far = [77, 123];
  for (const i of far) for (let d = 0; d < DIM; d++) values[i * DIM + d] = d === i % DIM ? 5 : 0;
  values.fill(0, 50 * DIM, 51 * DIM);
  return { bits: encodeFloat16(values), copies, far };
}

export /** A project whose samples have the given content hashes and labels. */
function projectWith(dir: string, hashes: string[], labels: number[]): Project {
  const project = Project.create(join(dir, 'p.relabel'));
  const w = project.beginImport(
    { format: 'seed', root: '/data', labelSource: null, inputWidth: 2, inputHeight: 2, channels: 1 },
    [
      { id: 0, name: 'a' },
      { id: 1, name: 'b' },
    ],
  );
  hashes.forEach((hash, index) =>
    w.add(
      { index, path: `img${index}.png`, hash, width: 2, height: 2, givenLabel: labels[index] },
      new Uint8Array([index & 255, 1, 2, 3]),
      { data: new Uint8Array([9]), mime: 'image/png' },
    ),
  );
  w.commit();
  return project;
}
