#!/usr/bin/env node
// Regenerates resources/backbone/mobilenet_v2_140/ (the bundled pretrained backbone) from the npm package
// nsfwjs@4.3.0 (MIT), which ships an ImageNet-initialised MobileNetV2 (α 1.4, TF-Hub mobilenet_v2_140_224,
// fine-tuned by its authors) as a tfjs graph model whose files are browserify bundles: the topology as a
// JavaScript object literal, the uint8-quantised weights as base64 strings. This script turns them into a
// plain tfjs graph model (model.json + weights.bin), the format `--backbone-model` also reads.
//
//   node scripts/vendor-backbone.mjs [path/to/nsfwjs-4.3.0.tgz]   (default: `npm pack nsfwjs@4.3.0`)
//
// Only a developer runs this; the app reads the committed files and never the network.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const PACKAGE = 'nsfwjs@4.3.0';
const INTEGRITY =
  'sha512-WTKDte0vp1X97N1h34P79G/hG+sVT3+TnDz9di1WseIJR93v11E4viNX7Vg9WsO6HYoR772Nzq2iM8jo3XBZ+g==';
const MODEL_DIR = 'package/dist/models/mobilenet_v2_mid';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'resources', 'backbone', 'mobilenet_v2_140');
const work = mkdtempSync(join(tmpdir(), 'relabel-vendor-'));

try {
  let tarball = process.argv[2];
  if (!tarball) {
    const name = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work, encoding: 'utf8' }).trim();
    tarball = join(work, name);
  }
  const bytes = readFileSync(tarball);
  const integrity = 'sha512-' + createHash('sha512').update(bytes).digest('base64');
  if (integrity !== INTEGRITY) throw new Error(`${tarball} is not ${PACKAGE}: integrity ${integrity}`);
  execFileSync('tar', ['xzf', tarball, '-C', work, MODEL_DIR, 'package/LICENSE']);
  const dir = join(work, MODEL_DIR);

  // The topology: `e.exports={…}` inside the bundle; an object literal (unquoted keys), evaluated alone.
  const bundle = readFileSync(join(dir, 'model.min.js'), 'utf8');
  const start = bundle.indexOf('e.exports={');
  const end = bundle.lastIndexOf('},{}]},{},[1])(1)});');
  if (start < 0 || end < 0) throw new Error('model.min.js: unexpected bundle layout');
  const model = vm.runInNewContext(
    `(${bundle.slice(start + 'e.exports='.length, end)})`,
    Object.create(null),
  );
  if (model.format !== 'graph-model' || model.weightsManifest.length !== 1)
    throw new Error('model.min.js: not a one-group tfjs graph model');

  // The weights: one base64 string literal per shard, concatenated in manifest order.
  const shards = model.weightsManifest[0].paths.map((p) => {
    const text = readFileSync(join(dir, `${p}.min.js`), 'utf8');
    const m = /\.exports="([A-Za-z0-9+/=]+)"/.exec(text);
    if (!m) throw new Error(`${p}.min.js: no base64 payload`);
    return Buffer.from(m[1], 'base64');
  });
  const weights = Buffer.concat(shards);
  model.weightsManifest[0].paths = ['weights.bin'];

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'model.json'), JSON.stringify(model));
  writeFileSync(join(outDir, 'weights.bin'), weights);
  writeFileSync(join(outDir, 'LICENSE'), readFileSync(join(work, 'package', 'LICENSE')));
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  process.stdout.write(
    `wrote ${outDir}\n  model.json  sha256 ${sha(readFileSync(join(outDir, 'model.json')))}\n` +
      `  weights.bin sha256 ${sha(weights)} (${weights.length} bytes)\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
