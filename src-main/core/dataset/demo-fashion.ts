import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readIdxFile } from './idx-file';
import { findIdxFiles } from './source-idx';
import { shuffleInPlace, type Rng } from '../random/seeded';

/** Where the Fashion-MNIST IDX files are looked for (override with RELABEL_FASHION_MNIST_DIR). */
export const fashionMnistDir = (): string =>
  process.env.RELABEL_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

export const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
/** Demo class 0: footwear (sandal, sneaker, ankle boot); class 1: everything else. */
export const FOOTWEAR = new Set([5, 7, 9]);

export function fashionMnistAvailable(): boolean {
  const dir = fashionMnistDir();
  return existsSync(dir) && findIdxFiles(join(dir, 'train')) !== null;
}

export interface FashionPick {
  /** 28×28 grayscale pixels. */
  pixels: Uint8Array;
  label: 0 | 1;
  fashionClass: number;
}

/**
 * `count` training images: exactly `n0` footwear (class 0), the rest other garments (class 1), drawn
 * without replacement by `rng` and shuffled.
 */
export async function pickFashionImages(rng: Rng, count: number, n0: number): Promise<FashionPick[]> {
  const pair = findIdxFiles(join(fashionMnistDir(), 'train'));
  if (!pair) throw new Error(`Fashion-MNIST not found in ${fashionMnistDir()}`);
  const images = await readIdxFile(pair.images, 3);
  const labels = await readIdxFile(pair.labels, 1);
  const [n, h, w] = images.dims;
  const foot: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < n; i++) (FOOTWEAR.has(labels.data[i]) ? foot : rest).push(i);
  if (n0 > foot.length || count - n0 > rest.length) {
    throw new Error(
      `Fashion-MNIST has ${foot.length} footwear and ${rest.length} other images; ${count} images with ${n0} footwear do not fit`,
    );
  }
  const chosen = [
    ...shuffleInPlace(rng, foot).slice(0, n0),
    ...shuffleInPlace(rng, rest).slice(0, count - n0),
  ];
  shuffleInPlace(rng, chosen);
  const size = w * h;
  return chosen.map((i) => ({
    pixels: images.data.slice(i * size, (i + 1) * size),
    label: FOOTWEAR.has(labels.data[i]) ? 0 : 1,
    fashionClass: labels.data[i],
  }));
}
