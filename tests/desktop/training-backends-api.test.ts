/** The Train page's "why not the GPU": the service answers with the doctor's backend diagnosis. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService, type RelabelService } from '../../src-main/core/service';
import { formatSkipped, whyNotFaster } from '../../src-shared/diagnosis';

let dir: string;
let service: RelabelService;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relabel-backends-'));
  service = createService({ projectPath: join(dir, 'p.relabel'), annotator: 't', createIfMissing: true });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trainingBackends', () => {
  it('lists the backends fastest first with what stands in the way of each (this machine: wasm)', async () => {
    const d = await service.trainingBackends({});
    expect(d.backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(d.expected).toBe('wasm');
    const why = whyNotFaster(d, 'wasm').map(formatSkipped);
    expect(why[0]).toMatch(/^tensorflow-gpu: no NVIDIA driver .* — fix: install the NVIDIA driver/);
    expect(why[1]).toMatch(
      /^tensorflow: @tensorflow\/tfjs-node not installed — fix: `npm install @tensorflow\/tfjs-node@4\.22\.0`/,
    );
    expect(await service.trainingBackends({})).toEqual(d);
  });

  it('validates its input like every call', async () => {
    await expect(service.trainingBackends({ x: 1 } as never)).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
