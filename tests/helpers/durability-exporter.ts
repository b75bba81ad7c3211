/**
 * Changes one decision, then exports to the same folder, in a loop, through the public service API.
 *
 *   node --import tsx tests/helpers/durability-exporter.ts project=<file> out=<folder> from=<n>
 *
 * Prints `ready`, then per round s = from, from + 1, …: `decide <s>`, `export <s>` (the decision was saved,
 * the export starts) and `exported <s> <json {file: sha1}>` with the hashes of the files it just wrote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createService } from '../../src-main/core/service';
import { EXPORT_FILES } from '../../src-main/core/export/export';
import { args, emit, requireArg, sha1 } from './durability-io';

const a = args();
const out = requireArg(a, 'out');
const service = createService({
  projectPath: requireArg(a, 'project'),
  annotator: 'exporter',
});
const info = await service.projectInfo({});
const n = info.dataset!.numSamples;
const k = info.classes.length;

emit('ready');
for (let s = Number(requireArg(a, 'from')); ; s++) {
  emit(`decide ${s}`);
  await service.decide({ sampleIndices: [s % n], action: 'relabel', newLabel: (s * 7) % k });
  emit(`export ${s}`);
  await service.exportLabels({ outDir: out });
  const hashes = Object.fromEntries(EXPORT_FILES.map((f) => [f, sha1(readFileSync(join(out, f)))]));
  emit(`exported ${s} ${JSON.stringify(hashes)}`);
}
