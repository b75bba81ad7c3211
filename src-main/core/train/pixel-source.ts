import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';

/** Where a training process reads images from: one uint8 NHWC image at a time. */
export interface PixelSource {
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Copies the bytes of image `index` into `dst` at `offset`. */
  read(index: number, dst: Uint8Array, offset: number): void;
  close(): void;
}

export interface PixelHeader {
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
}

export function memoryPixelSource(pixels: Uint8Array, h: PixelHeader): PixelSource {
  const size = h.height * h.width * h.channels;
  if (pixels.length !== h.n * size) {
    throw new Error(
      `pixel array holds ${pixels.length} bytes, expected ${h.n}×${h.height}×${h.width}×${h.channels}`,
    );
  }
  return {
    ...h,
    read: (index, dst, offset) => dst.set(pixels.subarray(index * size, index * size + size), offset),
    close: () => {},
  };
}

/** Files smaller than this are read whole; larger ones are read image by image (shared page cache). */
const READ_WHOLE_LIMIT = 256 * 1024 * 1024;

/** Writes the pixels as `<base>.u8` (raw NHWC) plus `<base>.json` (the header). */
export function writePixelFile(base: string, pixels: Uint8Array, h: PixelHeader): void {
  writeFileSync(`${base}.u8`, pixels);
  writeFileSync(`${base}.json`, JSON.stringify(h));
}

export function openPixelFile(base: string): PixelSource {
  const h = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as PixelHeader;
  const size = h.height * h.width * h.channels;
  const fd = openSync(`${base}.u8`, 'r');
  const bytes = fstatSync(fd).size;
  if (bytes !== h.n * size) {
    closeSync(fd);
    throw new Error(`${base}.u8 holds ${bytes} bytes, expected ${h.n}×${h.height}×${h.width}×${h.channels}`);
  }
  if (bytes <= READ_WHOLE_LIMIT) {
    const pixels = new Uint8Array(bytes);
    readSync(fd, pixels, 0, bytes, 0);
    closeSync(fd);
    return memoryPixelSource(pixels, h);
  }
  return {
    ...h,
    read: (index, dst, offset) => {
      readSync(fd, dst, offset, size, index * size);
    },
    close: () => closeSync(fd),
  };
}
