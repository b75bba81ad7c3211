import dns from 'node:dns';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Backbone } from '../../src-main/core/features/backbone';
import {
  builtinBackboneDir,
  defaultBackbone,
  inspectBackbone,
  type BackboneSpec,
} from '../../src-main/core/features/backbone-spec';

/** The bundled backbone at 64 px (its real default is 128–160 px): small inputs keep the tests quick. */
const fast = () => ({ ...defaultBackbone(), inputSize: 64 });
import { selectBackend } from '../../src-main/core/train/backend';
import type { Tf } from '../../src-main/core/train/tf';
import { tempDir } from '../helpers/tmp';

/** Every way Node can reach the network, each replaced by a spy that records the attempt and refuses it. */
function blockNetwork() {
  const attempts: string[] = [];
  const refuse = (what: string) => () => {
    attempts.push(what);
    throw new Error(`network access attempted: ${what}`);
  };
  const spies = [
    vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(refuse('net.Socket.connect')),
    vi.spyOn(net, 'connect').mockImplementation(refuse('net.connect')),
    vi.spyOn(net, 'createConnection').mockImplementation(refuse('net.createConnection')),
    vi.spyOn(dns, 'lookup').mockImplementation(refuse('dns.lookup')),
    vi.spyOn(http, 'request').mockImplementation(refuse('http.request')),
    vi.spyOn(http, 'get').mockImplementation(refuse('http.get')),
    vi.spyOn(https, 'request').mockImplementation(refuse('https.request')),
    vi.spyOn(https, 'get').mockImplementation(refuse('https.get')),
    vi.spyOn(globalThis, 'fetch').mockImplementation(refuse('fetch')),
  ];
  return { attempts, restore: () => spies.forEach((s) => s.mockRestore()) };
}

/** Deterministic test images: n RGB (or gray) images of side px, a smooth pattern per image. */
function images(n: number, side: number, channels: 1 | 3): Uint8Array {
  const px = new Uint8Array(n * side * side * channels);
  for (let i = 0; i < px.length; i++) {
    const img = Math.floor(i / (side * side * channels));
    px[i] = Math.round(127.5 + 127.5 * Math.sin(i / (7 + img) + img));
  }
  return px;
}

let tf: Tf;
let backbone: Backbone;
let network: ReturnType<typeof blockNetwork>;

beforeAll(async () => {
  network = blockNetwork();
  tf = (await selectBackend('wasm')).tf;
  backbone = await Backbone.load(tf, fast());
}, 60_000);

afterAll(() => {
  backbone?.dispose();
  network?.restore();
});

describe('the bundled backbone', () => {
  it('loads from local files only: no network access is attempted while loading and embedding', () => {
    backbone.embed(images(2, 64, 3), 2, 64, 64, 3);
    expect(network.attempts).toEqual([]);
    // The spies do catch an attempt (so an empty list means none was made).
    expect(() => http.get('http://example.invalid/')).toThrow(/network access attempted/);
    expect(network.attempts).toEqual(['http.get']);
    network.attempts.length = 0;
  });

  it('gives 1792 features per image, the same for the same input (within a process and across loads)', async () => {
    const px = images(3, 64, 3);
    const a = backbone.embed(px, 3, 64, 64, 3);
    expect(a.length).toBe(3 * 1792);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(backbone.embed(px, 3, 64, 64, 3))).toEqual(Array.from(a));
    // One image alone equals its row of the batch: no cross-talk between the images of a batch.
    expect(Array.from(backbone.embed(px.subarray(64 * 64 * 3, 2 * 64 * 64 * 3), 1, 64, 64, 3))).toEqual(
      Array.from(a.subarray(1792, 2 * 1792)),
    );
    const again = await Backbone.load(tf, fast());
    try {
      expect(Array.from(again.embed(px, 3, 64, 64, 3))).toEqual(Array.from(a));
    } finally {
      again.dispose();
    }
    // Different images give different features.
    expect(Array.from(a.subarray(0, 1792))).not.toEqual(Array.from(a.subarray(1792, 2 * 1792)));
  });

  it('replicates a grayscale image to three channels', () => {
    const gray = images(2, 48, 1);
    const rgb = new Uint8Array(gray.length * 3);
    gray.forEach((v, i) => rgb.fill(v, i * 3, i * 3 + 3));
    expect(Array.from(backbone.embed(gray, 2, 48, 48, 1))).toEqual(
      Array.from(backbone.embed(rgb, 2, 48, 48, 3)),
    );
  });

  it('upsamples images smaller than 32 px to its input size (documented), e.g. 16×16 and 8×8', () => {
    for (const side of [16, 8]) {
      const e = backbone.embed(images(2, side, 3), 2, side, side, 3);
      expect(e.length).toBe(2 * 1792);
      expect(e.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('bad backbone input: one clear error', () => {
  const spec = (over: Partial<BackboneSpec>): BackboneSpec => ({ ...fast(), ...over });

  /** A copy of the bundled model in a temp folder, to damage. */
  function copyModel(): string {
    const dir = join(tempDir(), 'model');
    mkdirSync(dir);
    for (const f of ['model.json', 'weights.bin']) copyFileSync(join(builtinBackboneDir(), f), join(dir, f));
    return dir;
  }

  it('a missing model file', () => {
    expect(() => inspectBackbone(spec({ model: '/nonexistent/model.json' }))).toThrow(
      'backbone model /nonexistent/model.json does not exist',
    );
  });

  it('a missing weights file', () => {
    const dir = copyModel();
    writeFileSync(
      join(dir, 'model.json'),
      readFileSync(join(dir, 'model.json'), 'utf8').replace('weights.bin', 'gone.bin'),
    );
    expect(() => inspectBackbone(spec({ model: join(dir, 'model.json') }))).toThrow(
      /gone\.bin \(listed in .*model\.json\) do not exist/,
    );
  });

  it('a truncated weights file', () => {
    const dir = copyModel();
    const w = readFileSync(join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'weights.bin'), w.subarray(0, w.length - 100));
    expect(() => inspectBackbone(spec({ model: join(dir, 'model.json') }))).toThrow(
      /hold 4300675 bytes but model\.json describes 4300775: the files are corrupt/,
    );
  });

  it('a model.json that is not JSON, or not a graph model', () => {
    const dir = copyModel();
    writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
    expect(() => inspectBackbone(spec({ model: join(dir, 'model.json') }))).toThrow(
      /model\.json is not valid JSON/,
    );
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ format: 'layers-model', modelTopology: { node: [] }, weightsManifest: [] }),
    );
    expect(() => inspectBackbone(spec({ model: join(dir, 'model.json') }))).toThrow(
      /is a 'layers-model' model; a backbone must be a tfjs graph model/,
    );
  });

  it('a --backbone-node that does not exist', () => {
    expect(() => inspectBackbone(spec({ node: 'MobilenetV2/Conv_99/Relu6' }))).toThrow(
      /backbone node 'MobilenetV2\/Conv_99\/Relu6' does not exist in .*model\.json \(its last nodes: /,
    );
  });

  it('the default input side: 160 px up to 5,000 images, 128 px above', () => {
    expect(defaultBackbone(2000).inputSize).toBe(160);
    expect(defaultBackbone(5000).inputSize).toBe(160);
    expect(defaultBackbone(10000).inputSize).toBe(128);
  });

  it('an input size out of range', () => {
    expect(() => inspectBackbone(spec({ inputSize: 16 }))).toThrow(
      'backbone input size must be an integer from 32 to 512 px, got 16',
    );
  });

  it("a user's graph model: a fixed input size is kept, and another node can be the embedding", async () => {
    const dir = copyModel();
    const ok = spec({ model: join(dir, 'model.json'), node: 'MobilenetV2/Logits/AvgPool' });
    const { identity } = inspectBackbone(ok);
    expect([identity.height, identity.width, identity.relaxInput]).toEqual([224, 224, false]);
    const b = await Backbone.load(tf, ok);
    try {
      expect(b.dim).toBe(1792); // AvgPool gives [n, 1, 1, 1792], mean-pooled to 1792
      expect(b.embed(images(1, 32, 3), 1, 32, 32, 3).every(Number.isFinite)).toBe(true);
    } finally {
      b.dispose();
    }
  }, 60_000);
});
