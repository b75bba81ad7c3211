import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src-main/core/train';

describe('selectBackend', () => {
  it('auto falls back past the missing tfjs-node packages to wasm with one note per skipped backend', async () => {
    const r = await selectBackend('auto');
    // This machine has neither tfjs-node package (their libtensorflow download fails): wasm is the best.
    expect(r.name).toBe('wasm');
    expect(r.notes).toContain('@tensorflow/tfjs-node-gpu not installed; falling back to tensorflow');
    expect(r.notes).toContain('@tensorflow/tfjs-node not installed; falling back to wasm');
    expect(r.notes.some((n) => /SIMD/.test(n))).toBe(true);
    expect(r.tf.getBackend()).toBe('wasm');
    const sum = r.tf.tidy(() => r.tf.sum(r.tf.tensor1d([1, 2, 3])).dataSync()[0]);
    expect(sum).toBe(6);
  });

  it('an explicit backend that cannot load is a clear error, not a fallback', async () => {
    await expect(selectBackend('gpu')).rejects.toThrow(
      "backend 'gpu' is not available: @tensorflow/tfjs-node-gpu not installed",
    );
    await expect(selectBackend('node')).rejects.toThrow(
      "backend 'node' is not available: @tensorflow/tfjs-node not installed",
    );
  });

  it('cpu loads on request and says it is slow', async () => {
    const r = await selectBackend('cpu');
    expect(r.name).toBe('cpu');
    expect(r.tf.getBackend()).toBe('cpu');
    expect(r.notes.join(' ')).toMatch(/slow/);
  });
});
