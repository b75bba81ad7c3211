/**
 * A fast path for the images most datasets are made of: small baseline JPEGs. Decoding them through
 * sharp costs about 1 ms of CPU each (pipeline set-up, not pixels), which caps an import near 1,000
 * images/s on two cores; this decoder does a 64×64 image in a few tens of microseconds.
 *
 * It reproduces libjpeg-turbo as libvips drives it (ISLOW integer IDCT, "fancy" chroma upsampling,
 * fixed-point YCbCr→RGB), so both paths give the same pixels (tests compare them). Anything outside
 * the plain case (progressive, arithmetic coding, 12-bit, CMYK/Adobe, ICC profile, EXIF rotation, odd
 * sampling, corrupt or truncated data) returns null and the caller falls back to sharp.
 *
 * One file on purpose: the stages (markers, Huffman, IDCT, upsampling, colour) share the decoder's tables and
 * state, and each is a short function; split up, they would only pass that state around.
 */

export interface DecodedJpeg {
  width: number;
  height: number;
  /** 1 = grayscale, 3 = RGB. */
  channels: 1 | 3;
  data: Uint8Array;
}

/** Natural (row-major) index of the k-th zig-zag coefficient. */
const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
]);

const LOOKAHEAD = 9;

interface HuffTable {
  /** (length << 8) | value for every 9-bit prefix that starts with a code of ≤ 9 bits; 0 otherwise. */
  lookup: Uint16Array;
  maxcode: Int32Array;
  valoffset: Int32Array;
  values: Uint8Array;
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  dc: number;
  ac: number;
  /** Blocks per line / per column in the component plane (whole MCUs). */
  bw: number;
  bh: number;
  plane: Uint8Array;
  pred: number;
}

/** Thrown inside the decoder for anything outside the fast path; turned into `null`. */
class Unsupported extends Error {}

/** The decoded image, or null when it is outside the fast path (or larger than `maxSide` per side). */
export function decodeBaselineJpeg(bytes: Uint8Array, maxSide = Infinity): DecodedJpeg | null {
  try {
    return decode(bytes, maxSide);
  } catch (e) {
    if (e instanceof Unsupported || e instanceof RangeError || e instanceof TypeError) return null;
    throw e;
  }
}

function unsupported(): never {
  throw new Unsupported();
}

function decode(d: Uint8Array, maxSide: number): DecodedJpeg {
  if (d.length < 4 || d[0] !== 0xff || d[1] !== 0xd8) unsupported();
  const qt: (Int32Array | undefined)[] = [];
  const dcTables: (HuffTable | undefined)[] = [];
  const acTables: (HuffTable | undefined)[] = [];
  let comps: Component[] | null = null;
  let width = 0;
  let height = 0;
  let restartInterval = 0;
  let jfif = false;
  let scanned = false;
  let pos = 2;
  for (;;) {
    if (pos + 2 > d.length || d[pos] !== 0xff) unsupported();
    const marker = d[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd9) break; // EOI
    if (pos + 4 > d.length) unsupported();
    const len = (d[pos + 2] << 8) | d[pos + 3];
    const start = pos + 4;
    const end = pos + 2 + len;
    if (len < 2 || end > d.length) unsupported();
    switch (marker) {
      case 0xe0:
        if (
          len >= 7 &&
          d[start] === 0x4a &&
          d[start + 1] === 0x46 &&
          d[start + 2] === 0x49 &&
          d[start + 3] === 0x46
        ) {
          jfif = true;
        }
        break;
      case 0xe1:
        if (exifOrientation(d, start, end) !== 1) unsupported();
        break;
      case 0xe2: // ICC profile: libvips converts with it
      case 0xee: // Adobe: RGB or CMYK transforms
        unsupported();
        break;
      case 0xdb:
        readQuantTables(d, start, end, qt);
        break;
      case 0xc4:
        readHuffmanTables(d, start, end, dcTables, acTables);
        break;
      case 0xc0:
      case 0xc1: {
        if (comps || d[start] !== 8) unsupported();
        height = (d[start + 1] << 8) | d[start + 2];
        width = (d[start + 3] << 8) | d[start + 4];
        // Big images are shrunk on load by libvips, far cheaper than a full decode here.
        if (Math.max(width, height) > maxSide) unsupported();
        comps = readFrame(d, start + 5, end, width, height);
        break;
      }
      case 0xdd:
        restartInterval = (d[start] << 8) | d[start + 1];
        break;
      case 0xda: {
        if (!comps || scanned) unsupported();
        pos = decodeScan(d, start, end, comps, width, height, qt, dcTables, acTables, restartInterval);
        scanned = true;
        continue;
      }
      default:
        // Other frame types (progressive, lossless, arithmetic, hierarchical) and DNL.
        if ((marker >= 0xc2 && marker <= 0xcf) || marker === 0xdc || marker === 0xde || marker === 0xdf)
          unsupported();
        // APPn, COM: skip.
        if (!((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe)) unsupported();
    }
    pos = end;
  }
  if (!comps || !scanned) unsupported();
  if (comps.length === 3 && !jfif && comps[0].id === 82 && comps[1].id === 71 && comps[2].id === 66)
    unsupported();
  return comps.length === 1
    ? { width, height, channels: 1, data: crop(comps[0], width, height) }
    : { width, height, channels: 3, data: toRgb(comps, width, height) };
}

/** EXIF orientation tag (1 when absent; 0 when the segment cannot be read). */
function exifOrientation(d: Uint8Array, start: number, end: number): number {
  if (
    end - start < 14 ||
    String.fromCharCode(d[start], d[start + 1], d[start + 2], d[start + 3]) !== 'Exif'
  ) {
    return 1;
  }
  const t = start + 6;
  const little = d[t] === 0x49;
  if (!little && d[t] !== 0x4d) return 0;
  const u16 = (p: number): number => (little ? d[p] | (d[p + 1] << 8) : (d[p] << 8) | d[p + 1]);
  const u32 = (p: number): number =>
    little
      ? (d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)) >>> 0
      : ((d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3]) >>> 0;
  const ifd = t + u32(t + 4);
  if (ifd + 2 > end) return 0;
  const n = u16(ifd);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + 12 * i;
    if (e + 12 > end) return 0;
    if (u16(e) === 0x0112) return u16(e + 8);
  }
  return 1;
}

function readQuantTables(d: Uint8Array, start: number, end: number, qt: (Int32Array | undefined)[]): void {
  let p = start;
  while (p < end) {
    const pq = d[p] >> 4;
    const tq = d[p] & 15;
    if (tq > 3 || pq > 1) unsupported();
    p++;
    const table = new Int32Array(64);
    for (let k = 0; k < 64; k++) {
      table[ZIGZAG[k]] = pq === 0 ? d[p + k] : (d[p + 2 * k] << 8) | d[p + 2 * k + 1];
    }
    p += pq === 0 ? 64 : 128;
    qt[tq] = table;
  }
}

function readHuffmanTables(
  d: Uint8Array,
  start: number,
  end: number,
  dcTables: (HuffTable | undefined)[],
  acTables: (HuffTable | undefined)[],
): void {
  let p = start;
  while (p < end) {
    const tc = d[p] >> 4;
    const th = d[p] & 15;
    if (tc > 1 || th > 3) unsupported();
    const counts = d.subarray(p + 1, p + 17);
    let total = 0;
    for (let i = 0; i < 16; i++) total += counts[i];
    if (total > 256 || p + 17 + total > end) unsupported();
    (tc === 0 ? dcTables : acTables)[th] = buildHuffman(counts, d.subarray(p + 17, p + 17 + total));
    p += 17 + total;
  }
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffTable {
  const lookup = new Uint16Array(1 << LOOKAHEAD);
  const maxcode = new Int32Array(18).fill(-1);
  const valoffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valoffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= LOOKAHEAD) {
        const shift = LOOKAHEAD - len;
        const base = code << shift;
        for (let j = 0; j < 1 << shift; j++) lookup[base + j] = (len << 8) | values[k];
      }
    }
    if (code > 1 << len) unsupported(); // over-subscribed code
    maxcode[len] = n > 0 ? code - 1 : -1;
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { lookup, maxcode, valoffset, values };
}

function readFrame(d: Uint8Array, p: number, end: number, width: number, height: number): Component[] {
  const n = d[p];
  if ((n !== 1 && n !== 3) || width === 0 || height === 0 || p + 1 + 3 * n > end) unsupported();
  const comps: Component[] = [];
  for (let i = 0; i < n; i++) {
    const q = p + 1 + 3 * i;
    const h = d[q + 1] >> 4;
    const v = d[q + 1] & 15;
    if (h < 1 || h > 2 || v < 1 || v > 2) unsupported();
    comps.push({
      id: d[q],
      h,
      v,
      tq: d[q + 2],
      dc: 0,
      ac: 0,
      bw: 0,
      bh: 0,
      plane: new Uint8Array(0),
      pred: 0,
    });
  }
  if (n === 1) {
    // A lone component is never interleaved: libjpeg treats it as 1×1 sampled.
    comps[0].h = comps[0].v = 1;
  } else {
    // Supported: 4:4:4, 4:2:2 (h2v1) and 4:2:0 (h2v2) with full-width chroma planes of more than 2 samples.
    const [y, cb, cr] = comps;
    if (cb.h !== 1 || cb.v !== 1 || cr.h !== 1 || cr.v !== 1 || (y.v === 2 && y.h !== 2)) unsupported();
    if (y.h === 2 && Math.ceil(width / 2) <= 2) unsupported();
  }
  const hmax = Math.max(...comps.map((c) => c.h));
  const vmax = Math.max(...comps.map((c) => c.v));
  const mcusX = Math.ceil(width / (8 * hmax));
  const mcusY = Math.ceil(height / (8 * vmax));
  for (const c of comps) {
    c.bw = mcusX * c.h;
    c.bh = mcusY * c.v;
    c.plane = new Uint8Array(c.bw * 8 * c.bh * 8);
  }
  return comps;
}

/** Decodes the (single, complete) scan into the component planes; returns the position after it. */
function decodeScan(
  d: Uint8Array,
  start: number,
  headerEnd: number,
  comps: Component[],
  width: number,
  height: number,
  qt: (Int32Array | undefined)[],
  dcTables: (HuffTable | undefined)[],
  acTables: (HuffTable | undefined)[],
  restartInterval: number,
): number {
  const ns = d[start];
  if (ns !== comps.length) unsupported(); // multi-scan sequential files
  for (let i = 0; i < ns; i++) {
    const id = d[start + 1 + 2 * i];
    const c = comps.find((x) => x.id === id);
    if (!c || comps.indexOf(c) !== i) unsupported();
    c.dc = d[start + 2 + 2 * i] >> 4;
    c.ac = d[start + 2 + 2 * i] & 15;
    if (!dcTables[c.dc] || !acTables[c.ac] || !qt[c.tq]) unsupported();
  }
  const ss = d[start + 1 + 2 * ns];
  const se = d[start + 2 + 2 * ns];
  if (ss !== 0 || se !== 63) unsupported();

  const bits = new BitReader(d, headerEnd);
  const coef = new Int32Array(64);
  const ws = new Int32Array(64);
  const single = comps.length === 1;
  const c0 = comps[0];
  // A non-interleaved scan covers only the blocks inside the image, not whole MCUs.
  const unitsX = single ? Math.ceil(width / 8) : c0.bw / c0.h;
  const unitsY = single ? Math.ceil(height / 8) : c0.bh / c0.v;
  const total = unitsX * unitsY;
  let todo = restartInterval;
  for (let m = 0; m < total; m++) {
    if (restartInterval > 0) {
      if (todo === 0) {
        bits.restart();
        for (const c of comps) c.pred = 0;
        todo = restartInterval;
      }
      todo--;
    }
    const mx = m % unitsX;
    const my = (m - mx) / unitsX;
    if (single) decodeBlock(bits, c0, qt, dcTables, acTables, coef, ws, my, mx);
    else {
      for (const c of comps) {
        for (let v = 0; v < c.v; v++) {
          for (let h = 0; h < c.h; h++)
            decodeBlock(bits, c, qt, dcTables, acTables, coef, ws, my * c.v + v, mx * c.h + h);
        }
      }
    }
  }
  return bits.endOfScan();
}

function decodeBlock(
  bits: BitReader,
  c: Component,
  qt: (Int32Array | undefined)[],
  dcTables: (HuffTable | undefined)[],
  acTables: (HuffTable | undefined)[],
  coef: Int32Array,
  ws: Int32Array,
  row: number,
  col: number,
): void {
  const q = qt[c.tq]!;
  const acT = acTables[c.ac]!;
  coef.fill(0);
  c.pred += bits.receiveExtend(bits.huff(dcTables[c.dc]!));
  coef[0] = ((c.pred << 16) >> 16) * q[0]; // stored as a 16-bit JCOEF, as libjpeg does
  for (let k = 1; k < 64;) {
    const rs = bits.huff(acT);
    const r = rs >> 4;
    const s = rs & 15;
    if (s === 0) {
      if (r !== 15) break;
      k += 16;
      continue;
    }
    k += r;
    if (k > 63) unsupported();
    const z = ZIGZAG[k];
    coef[z] = bits.receiveExtend(s) * q[z];
    k++;
  }
  const stride = c.bw * 8;
  idctIslow(coef, ws, c.plane, row * 8 * stride + col * 8, stride);
}

/** Entropy-coded bits with byte unstuffing; zero bits are appended at a marker or the end of data. */
class BitReader {
  private buf = 0;
  private cnt = 0;
  /** Appended zero bits: consuming any of them means the data is corrupt or truncated. */
  private pad = 0;

  constructor(
    private readonly d: Uint8Array,
    private pos: number,
  ) {}

  private fill(): void {
    const d = this.d;
    while (this.cnt <= 24) {
      let b = 0;
      if (this.pad === 0 && this.pos < d.length) {
        b = d[this.pos];
        if (b === 0xff) {
          const next = d[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else if (next === 0xff) {
            this.pos++;
            continue;
          } else {
            b = 0;
            this.pad = 8;
          }
        } else this.pos++;
      } else {
        this.pad += 8;
      }
      this.buf = ((this.buf << 8) | b) >>> 0;
      this.cnt += 8;
    }
  }

  huff(t: HuffTable): number {
    if (this.cnt < 16) this.fill();
    const e = t.lookup[(this.buf >>> (this.cnt - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)];
    if (e !== 0) {
      this.cnt -= e >> 8;
      return e & 0xff;
    }
    let len = LOOKAHEAD + 1;
    let code = (this.buf >>> (this.cnt - len)) & ((1 << len) - 1);
    while (code > t.maxcode[len]) {
      len++;
      if (len > 16) unsupported();
      code = (this.buf >>> (this.cnt - len)) & ((1 << len) - 1);
    }
    this.cnt -= len;
    return t.values[code + t.valoffset[len]];
  }

  receiveExtend(s: number): number {
    if (s === 0) return 0;
    if (s > 16) unsupported();
    if (this.cnt < s) this.fill();
    const v = (this.buf >>> (this.cnt - s)) & ((1 << s) - 1);
    this.cnt -= s;
    return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
  }

  /** Position of the first byte not (even partly) consumed, in the stuffed stream. */
  private unconsumed(): number {
    if (this.cnt < this.pad) unsupported();
    const back = (this.cnt - this.pad) >> 3;
    let p = this.pos;
    for (let i = 0; i < back; i++) {
      p--;
      if (this.d[p] === 0x00 && this.d[p - 1] === 0xff) p--;
    }
    return p;
  }

  /** Expects RSTn where the entropy data of the interval stops, and resets the reader after it. */
  restart(): void {
    const p = this.unconsumed();
    const d = this.d;
    if (d[p] !== 0xff || d[p + 1] < 0xd0 || d[p + 1] > 0xd7) unsupported();
    this.pos = p + 2;
    this.buf = 0;
    this.cnt = 0;
    this.pad = 0;
  }

  /** The next marker after the scan. */
  endOfScan(): number {
    const d = this.d;
    let p = this.unconsumed();
    while (p < d.length && !(d[p] === 0xff && d[p + 1] !== 0x00 && d[p + 1] !== 0xff)) p++;
    return p;
  }
}

const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/** libjpeg's post-IDCT range limit: clamp(x + 128) for |x| < 512, wrapping beyond like libjpeg does. */
const RANGE = (() => {
  const t = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) {
    const x = i < 512 ? i : i - 1024;
    t[i] = x < -128 ? 0 : x > 127 ? 255 : x + 128;
  }
  return t;
})();

/** jpeg_idct_islow (libjpeg jidctint.c): accurate integer inverse DCT of dequantized coefficients. */
function idctIslow(c: Int32Array, ws: Int32Array, out: Uint8Array, offset: number, stride: number): void {
  for (let col = 0; col < 8; col++) {
    if (
      c[8 + col] === 0 &&
      c[16 + col] === 0 &&
      c[24 + col] === 0 &&
      c[32 + col] === 0 &&
      c[40 + col] === 0 &&
      c[48 + col] === 0 &&
      c[56 + col] === 0
    ) {
      const dc = c[col] << PASS1_BITS;
      for (let r = 0; r < 64; r += 8) ws[r + col] = dc;
      continue;
    }
    let z2 = c[16 + col];
    let z3 = c[48 + col];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 - z3 * FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = c[col];
    z3 = c[32 + col];
    let tmp0 = (z2 + z3) * 8192;
    let tmp1 = (z2 - z3) * 8192;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = c[56 + col];
    tmp1 = c[40 + col];
    tmp2 = c[24 + col];
    tmp3 = c[8 + col];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    const r1 = 1 << (CONST_BITS - PASS1_BITS - 1);
    const s1 = CONST_BITS - PASS1_BITS;
    ws[col] = (tmp10 + tmp3 + r1) >> s1;
    ws[56 + col] = (tmp10 - tmp3 + r1) >> s1;
    ws[8 + col] = (tmp11 + tmp2 + r1) >> s1;
    ws[48 + col] = (tmp11 - tmp2 + r1) >> s1;
    ws[16 + col] = (tmp12 + tmp1 + r1) >> s1;
    ws[40 + col] = (tmp12 - tmp1 + r1) >> s1;
    ws[24 + col] = (tmp13 + tmp0 + r1) >> s1;
    ws[32 + col] = (tmp13 - tmp0 + r1) >> s1;
  }
  const s2 = CONST_BITS + PASS1_BITS + 3;
  const r2 = 1 << (s2 - 1);
  for (let row = 0; row < 64; row += 8) {
    const o = offset + (row >> 3) * stride;
    if (
      ws[row + 1] === 0 &&
      ws[row + 2] === 0 &&
      ws[row + 3] === 0 &&
      ws[row + 4] === 0 &&
      ws[row + 5] === 0 &&
      ws[row + 6] === 0 &&
      ws[row + 7] === 0
    ) {
      const v = RANGE[((ws[row] + (1 << (PASS1_BITS + 2))) >> (PASS1_BITS + 3)) & 1023];
      for (let i = 0; i < 8; i++) out[o + i] = v;
      continue;
    }
    let z2 = ws[row + 2];
    let z3 = ws[row + 6];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 - z3 * FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[row] + ws[row + 4]) * 8192;
    let tmp1 = (ws[row] - ws[row + 4]) * 8192;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = ws[row + 7];
    tmp1 = ws[row + 5];
    tmp2 = ws[row + 3];
    tmp3 = ws[row + 1];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[o] = RANGE[((tmp10 + tmp3 + r2) >> s2) & 1023];
    out[o + 7] = RANGE[((tmp10 - tmp3 + r2) >> s2) & 1023];
    out[o + 1] = RANGE[((tmp11 + tmp2 + r2) >> s2) & 1023];
    out[o + 6] = RANGE[((tmp11 - tmp2 + r2) >> s2) & 1023];
    out[o + 2] = RANGE[((tmp12 + tmp1 + r2) >> s2) & 1023];
    out[o + 5] = RANGE[((tmp12 - tmp1 + r2) >> s2) & 1023];
    out[o + 3] = RANGE[((tmp13 + tmp0 + r2) >> s2) & 1023];
    out[o + 4] = RANGE[((tmp13 - tmp0 + r2) >> s2) & 1023];
  }
}

function crop(c: Component, width: number, height: number): Uint8Array {
  const stride = c.bw * 8;
  if (stride === width) return c.plane.subarray(0, width * height);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) out.set(c.plane.subarray(y * stride, y * stride + width), y * width);
  return out;
}

/** A chroma plane brought to full resolution the way libjpeg's fancy upsampling does it. */
function upsample(c: Component, hmax: number, vmax: number, width: number, height: number): Uint8Array {
  const stride = c.bw * 8;
  if (c.h === hmax && c.v === vmax) return c.plane;
  const cw = Math.ceil((width * c.h) / hmax);
  const ch = Math.ceil((height * c.v) / vmax);
  const out = new Uint8Array(stride * hmax * height);
  const ostride = stride * hmax;
  const src = c.plane;
  if (vmax === 1) {
    // h2v1: 3/4 nearer + 1/4 further sample, with libjpeg's alternating rounding.
    for (let y = 0; y < height; y++) {
      const i = y * stride;
      const o = y * ostride;
      out[o] = src[i];
      out[o + 1] = (src[i] * 3 + src[i + 1] + 2) >> 2;
      for (let x = 1; x < cw - 1; x++) {
        const v = src[i + x] * 3;
        out[o + 2 * x] = (v + src[i + x - 1] + 1) >> 2;
        out[o + 2 * x + 1] = (v + src[i + x + 1] + 2) >> 2;
      }
      const last = src[i + cw - 1];
      out[o + 2 * cw - 2] = (last * 3 + src[i + cw - 2] + 1) >> 2;
      out[o + 2 * cw - 1] = last;
    }
    return out;
  }
  // h2v2: the same horizontally on column sums weighted 3:1 towards the nearer row.
  for (let y = 0; y < height; y++) {
    const inRow = y >> 1;
    const farRow = y & 1 ? Math.min(inRow + 1, ch - 1) : Math.max(inRow - 1, 0);
    const a = inRow * stride;
    const b = farRow * stride;
    const o = y * ostride;
    let last = src[a] * 3 + src[b];
    let cur = last;
    let next = src[a + 1] * 3 + src[b + 1];
    out[o] = (cur * 4 + 8) >> 4;
    out[o + 1] = (cur * 3 + next + 7) >> 4;
    last = cur;
    cur = next;
    for (let x = 1; x < cw - 1; x++) {
      next = src[a + x + 1] * 3 + src[b + x + 1];
      out[o + 2 * x] = (cur * 3 + last + 8) >> 4;
      out[o + 2 * x + 1] = (cur * 3 + next + 7) >> 4;
      last = cur;
      cur = next;
    }
    out[o + 2 * cw - 2] = (cur * 3 + last + 8) >> 4;
    out[o + 2 * cw - 1] = (cur * 4 + 7) >> 4;
  }
  return out;
}

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number): number => Math.floor(x * (1 << SCALEBITS) + 0.5);
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

/** clamp(x) at LIMIT[x + LIMIT_OFFSET] for the sums the colour conversion produces (-227…482). */
const LIMIT_OFFSET = 384;
const LIMIT = (() => {
  const t = new Uint8Array(1024);
  for (let i = 0; i < 1024; i++) t[i] = Math.max(0, Math.min(255, i - LIMIT_OFFSET));
  return t;
})();

/** libjpeg's fixed-point YCbCr → RGB (jdcolor.c). */
function toRgb(comps: Component[], width: number, height: number): Uint8Array {
  const [y, cb, cr] = comps;
  const hmax = y.h;
  const vmax = y.v;
  const ys = y.bw * 8;
  const lumPlane = y.plane;
  const cbp = upsample(cb, hmax, vmax, width, height);
  const crp = upsample(cr, hmax, vmax, width, height);
  const cs = cb.bw * 8 * hmax;
  const out = new Uint8Array(width * height * 3);
  const lim = LIMIT;
  const crR = CR_R;
  const cbB = CB_B;
  const crG = CR_G;
  const cbG = CB_G;
  let o = 0;
  for (let row = 0; row < height; row++) {
    const yi = row * ys;
    const ci = row * cs;
    for (let x = 0; x < width; x++) {
      const lum = lumPlane[yi + x] + LIMIT_OFFSET;
      const b = cbp[ci + x];
      const r = crp[ci + x];
      out[o] = lim[lum + crR[r]];
      out[o + 1] = lim[lum + ((cbG[b] + crG[r]) >> SCALEBITS)];
      out[o + 2] = lim[lum + cbB[b]];
      o += 3;
    }
  }
  return out;
}
