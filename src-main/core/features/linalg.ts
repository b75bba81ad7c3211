import { LINALG_WASM_BASE64 } from './linalg-wasm';

interface Exports {
  memory: WebAssembly.Memory;
  scores(
    x: number,
    stride: number,
    idx: number,
    n: number,
    v: number,
    k: number,
    out: number,
    scratch: number,
  ): void;
  accumulate(
    x: number,
    stride: number,
    idx: number,
    n: number,
    g: number,
    k: number,
    acc64: number,
    acc32: number,
    scratch: number,
  ): void;
  moments(
    x: number,
    stride: number,
    idx: number,
    n: number,
    sum64: number,
    sq64: number,
    scratch: number,
  ): void;
  score_block(
    x: number,
    stride: number,
    idx: number,
    n: number,
    v: number,
    k: number,
    out: number,
    block: number,
  ): void;
  accumulate_block(
    block: number,
    stride: number,
    n: number,
    g: number,
    k: number,
    acc64: number,
    acc32: number,
  ): void;
}

let compiled: WebAssembly.Module | null = null;
const PAGE = 65536;
const align16 = (n: number) => (n + 15) & ~15;
/**
 * Rows per kernel call. V8 runs a wasm function in its baseline compiler until it has been hot for a while and
 * swaps in optimised code only at the next call, so one call over 100,000 rows would never get the fast code.
 */
const BLOCK = 1024;
/** Rows decoded at a time by scoreAndAccumulate (64 rows of 1792 float32: 448 KiB, cache-sized). */
const FUSED_BLOCK = 64;

/** Row stride (values) of an embedding matrix: the dimension rounded up to the kernels' 8-value blocks. */
export const strideOf = (dim: number): number => Math.ceil(dim / 8) * 8;

/**
 * A float16 embedding matrix in wasm memory plus the SIMD kernels that read it (linalg.wat): row scores
 * against weight vectors, per-row-weighted sums of rows, and feature moments. Rows are addressed by an
 * index list, so folds and subsamples never copy the matrix. Scratch buffers come from a stack allocator
 * above the matrix (`mark`/`release`).
 */
export class EmbeddingMatrix {
  private readonly ex: Exports;
  private top: number;
  readonly stride: number;
  private readonly x: number;

  private constructor(
    readonly n: number,
    readonly dim: number,
  ) {
    compiled ??= new WebAssembly.Module(Buffer.from(LINALG_WASM_BASE64, 'base64'));
    this.ex = new WebAssembly.Instance(compiled, {}).exports as unknown as Exports;
    this.stride = strideOf(dim);
    this.x = 0;
    this.top = align16(n * this.stride * 2);
    this.ensure(this.top);
  }

  /** An n × dim matrix whose rows `fill` writes as float16 bits into the given view (stride values per row). */
  static create(n: number, dim: number, fill: (rows: Uint16Array, stride: number) => void): EmbeddingMatrix {
    if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dim) || dim < 1)
      throw new Error(`embedding matrix needs n ≥ 1 and dim ≥ 1, got ${n} × ${dim}`);
    const m = new EmbeddingMatrix(n, dim);
    fill(new Uint16Array(m.ex.memory.buffer, m.x, n * m.stride), m.stride);
    return m;
  }

  private ensure(bytes: number): void {
    const have = this.ex.memory.buffer.byteLength;
    if (bytes > have) this.ex.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** Current allocation top, to release every scratch buffer allocated after it. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  private alloc(bytes: number): number {
    const p = this.top;
    this.top = align16(p + bytes);
    this.ensure(this.top);
    return p;
  }

  f32(len: number): { ptr: number; view: () => Float32Array } {
    const ptr = this.alloc(len * 4);
    const view = () => new Float32Array(this.ex.memory.buffer, ptr, len);
    view().fill(0);
    return { ptr, view };
  }

  f64(len: number): { ptr: number; view: () => Float64Array } {
    const ptr = this.alloc(len * 8);
    const view = () => new Float64Array(this.ex.memory.buffer, ptr, len);
    view().fill(0);
    return { ptr, view };
  }

  i32(values: Int32Array): number {
    const ptr = this.alloc(values.length * 4);
    new Int32Array(this.ex.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  /** The float16 bits of row `i` (stride values). */
  row(i: number): Uint16Array {
    return new Uint16Array(this.ex.memory.buffer, this.x + i * this.stride * 2, this.stride);
  }

  /** out[r·k + j] = row(idx[r]) · w[j] (float64) for the n rows listed at `idxPtr`; w holds k float64 rows of stride. */
  scores(idxPtr: number, n: number, wPtr: number, k: number, outPtr: number): void {
    const m = this.mark();
    const scratch = this.alloc(this.stride * 4);
    for (let r = 0; r < n; r += BLOCK) {
      const count = Math.min(BLOCK, n - r);
      this.ex.scores(this.x, this.stride, idxPtr + r * 4, count, wPtr, k, outPtr + r * k * 8, scratch);
    }
    this.release(m);
  }

  /** acc64[j·stride + d] += Σ_r g[r·k + j] · row(idx[r])[d]. */
  accumulate(idxPtr: number, n: number, gPtr: number, k: number, acc64Ptr: number): void {
    const m = this.mark();
    const acc32 = this.f32(k * this.stride).ptr;
    const scratch = this.alloc(this.stride * 4);
    for (let r = 0; r < n; r += BLOCK) {
      const count = Math.min(BLOCK, n - r);
      this.ex.accumulate(
        this.x,
        this.stride,
        idxPtr + r * 4,
        count,
        gPtr + r * k * 4,
        k,
        acc64Ptr,
        acc32,
        scratch,
      );
    }
    this.release(m);
  }

  /**
   * One pass over the n rows listed at `idxPtr`, FUSED_BLOCK rows at a time, each row decoded once: the block's
   * scores row · w[j] (float64; w: k float64 rows of stride), then `coefficients(first, count, scores, g)` fills the
   * block's per-row coefficients g (count × k float32), then acc64[j·stride + d] += Σ_r g[r·k + j] · row(r)[d].
   */
  scoreAndAccumulate(
    idxPtr: number,
    n: number,
    wPtr: number,
    k: number,
    acc64Ptr: number,
    coefficients: (first: number, count: number, scores: Float64Array, g: Float32Array) => void,
  ): void {
    const m = this.mark();
    const block = this.alloc(FUSED_BLOCK * this.stride * 4);
    const scores = this.f64(FUSED_BLOCK * k);
    const g = this.f32(FUSED_BLOCK * k);
    const acc32 = this.f32(k * this.stride).ptr;
    const sv = scores.view();
    const gv = g.view();
    for (let r = 0; r < n; r += FUSED_BLOCK) {
      const count = Math.min(FUSED_BLOCK, n - r);
      this.ex.score_block(this.x, this.stride, idxPtr + r * 4, count, wPtr, k, scores.ptr, block);
      coefficients(r, count, sv, gv);
      this.ex.accumulate_block(block, this.stride, count, g.ptr, k, acc64Ptr, acc32);
    }
    this.release(m);
  }

  /** Per-feature mean and standard deviation (population, as scikit-learn's StandardScaler) over the listed rows. */
  moments(rows: Int32Array): { mean: Float64Array; std: Float64Array } {
    const m = this.mark();
    const idx = this.i32(rows);
    const sum = this.f64(this.stride);
    const sq = this.f64(this.stride);
    const scratch = this.alloc(this.stride * 4);
    this.ex.moments(this.x, this.stride, idx, rows.length, sum.ptr, sq.ptr, scratch);
    const mean = new Float64Array(this.dim);
    const std = new Float64Array(this.dim);
    const s = sum.view();
    const q = sq.view();
    for (let d = 0; d < this.dim; d++) {
      mean[d] = s[d] / rows.length;
      std[d] = Math.sqrt(Math.max(0, q[d] / rows.length - mean[d] * mean[d]));
    }
    this.release(m);
    return { mean, std };
  }
}
