import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** A small, distinct RGB JPEG (colour from `seed`). */
export async function jpeg(seed: number, size = 16, opts: { gray?: boolean } = {}): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    raw[i * 3] = (seed * 37 + i) & 255;
    raw[i * 3 + 1] = (seed * 91 + 2 * i) & 255;
    raw[i * 3 + 2] = (seed * 53) & 255;
  }
  let img = sharp(raw, { raw: { width: size, height: size, channels: 3 } });
  if (opts.gray) img = img.toColourspace('b-w');
  return img.jpeg({ quality: 90 }).toBuffer();
}

export function writeFile(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/** `<dir>/train_img/<names>` with JPEGs + `<dir>/label_train.txt`. */
export async function seedDataset(dir: string, labels: number[], names?: string[]): Promise<string[]> {
  const files = names ?? labels.map((_, i) => `${String(i + 1).padStart(6, '0')}.jpg`);
  for (let i = 0; i < files.length; i++) writeFile(join(dir, 'train_img', files[i]), await jpeg(i));
  writeFile(join(dir, 'label_train.txt'), labels.join('\n') + '\n');
  return files;
}
