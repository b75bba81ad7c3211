import { join } from 'node:path';
import { Project } from '../../src-main/core/store/project';
import type { TrainingData } from '../../src-main/core/train';
import { mulberry32 } from '../../src-main/core/random/seeded';

/** A project file holding the images and labels of `data` (classes named "class <id>"). */
export function projectFromData(dir: string, data: TrainingData, name = 'p.relabel'): Project {
  const project = Project.create(join(dir, name));
  const w = project.beginImport(
    {
      format: 'seed',
      root: '/data',
      labelSource: '/data/label_train.txt',
      inputWidth: data.width,
      inputHeight: data.height,
      channels: data.channels,
    },
    Array.from({ length: data.numClasses }, (_, id) => ({ id, name: `class ${id}` })),
  );
  const size = data.width * data.height * data.channels;
  for (let i = 0; i < data.n; i++) {
    w.add(
      {
        index: i,
        path: `${i}.png`,
        hash: `h${i}`,
        width: data.width,
        height: data.height,
        givenLabel: data.labels[i],
      },
      data.pixels.subarray(i * size, (i + 1) * size),
      { data: new Uint8Array([1]), mime: 'image/png' },
    );
  }
  w.commit();
  return project;
}

/** Where the bright patch of class 1 sits in brightPatchDataset images. */
export const PATCH = { y: 3, x: 12, size: 5 };
export const inPatch = (p: number, width: number) => {
  const y = Math.floor(p / width);
  const x = p % width;
  return y >= PATCH.y && y < PATCH.y + PATCH.size && x >= PATCH.x && x < PATCH.x + PATCH.size;
};

/** Gray noise images; class 1 (every third image) carries a bright square at PATCH, class 0 does not. */
export function brightPatchDataset(n: number, size = 20, seed = 5): TrainingData {
  const rng = mulberry32(seed);
  const pixels = new Uint8Array(n * size * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3 === 0 ? 1 : 0;
    for (let p = 0; p < size * size; p++) {
      const bright = labels[i] === 1 && inPatch(p, size);
      pixels[i * size * size + p] = bright ? 200 + Math.floor(rng() * 55) : Math.floor(rng() * 140);
    }
  }
  return { pixels, n, height: size, width: size, channels: 1, labels, numClasses: 2 };
}
