import { crc32, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * 8-bit gray or RGB PNG of raw HWC pixels, in plain JS + zlib: for the small images we encode
 * (IDX thumbnails, stored model pixels) this is ~20× cheaper than a sharp pipeline. Rows use the
 * "up" filter, which suits smooth images.
 */
export function encodePngSync(data: Uint8Array, width: number, height: number, channels: 1 | 3): Buffer {
  const rowBytes = width * channels;
  if (data.length !== rowBytes * height) {
    throw new Error(`encodePng: ${data.length} bytes for ${width}x${height}x${channels}`);
  }
  const filtered = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1);
    const r = y * rowBytes;
    if (y === 0) {
      filtered[o] = 0;
      filtered.set(data.subarray(0, rowBytes), 1);
      continue;
    }
    filtered[o] = 2; // up
    for (let x = 0; x < rowBytes; x++) filtered[o + 1 + x] = (data[r + x] - data[r - rowBytes + x]) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // gray / RGB
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(filtered, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
