import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaliencyOverlay } from '../../src-shared/evidence';
import { Explainer } from '../../src-main/core/evidence/explainer';
import { createService, type RelabelService } from '../../src-main/core/service';
import { Project } from '../../src-main/core/store/project';
import { buildModel, defaultTrainConfig, selectBackend, serializeModel } from '../../src-main/core/train';
import { AbortError } from '../../src-main/core/train/trainer';
import { runCrossValidation } from '../../src-main/core/workflows/cross-validation-run';
import { brightPatchDataset, inPatch, PATCH, projectFromData } from './helpers';

const data = brightPatchDataset(240);
let dir: string;
let runId: number;
let service: RelabelService;

describe('explainSample through the service (explain worker process)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relabel-test-'));
    const project = projectFromData(dir, data);
    runId = await runCrossValidation(project, {
      ...defaultTrainConfig(),
      backend: 'wasm',
      folds: 2,
      epochs: 8,
      workers: 2,
      batchSize: 32,
      validationFraction: 0,
    });
    project.close();
    service = createService({ projectPath: join(dir, 'p.relabel'), annotator: 't' });
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains an image with the model of the fold that held it out; the patch carries the evidence; cached after', async () => {
    const project = Project.open(join(dir, 'p.relabel'), { readonly: true });
    const folds = project.runs.folds(runId);
    project.close();
    for (const sampleIndex of [0, 3]) {
      expect(data.labels[sampleIndex]).toBe(1);
      const r = (await service.explainSample({
        runId,
        sampleIndex,
        towards: 1,
        against: 0,
      })) as SaliencyOverlay;
      expect(r.fold).toBe(folds.find((f) => f.testIndices.includes(sampleIndex))!.fold);
      expect(r).toMatchObject({ method: 'gradient-x-input', width: 20, height: 20, cached: false });
      expect(r.values).toHaveLength(400);
      expect(Math.max(...r.values.map(Math.abs))).toBe(1);
      const top = Array.from(r.values.keys())
        .sort((a, b) => r.values[b] - r.values[a])
        .slice(0, PATCH.size * PATCH.size);
      expect(top.filter((p) => inPatch(p, 20)).length).toBeGreaterThanOrEqual(20);
      const again = (await service.explainSample({
        runId,
        sampleIndex,
        towards: 1,
        against: 0,
      })) as SaliencyOverlay;
      expect(again.cached).toBe(true);
      expect(again.values).toEqual(r.values);
    }
  });

  it('is cancelled when the annotator moves on (cancelExplain by requestId)', async () => {
    const pending = service.explainSample({
      runId,
      sampleIndex: 6,
      towards: 1,
      against: 0,
      requestId: 'issue-6',
    });
    expect(await service.cancelExplain({ requestId: 'issue-6' })).toEqual({ cancelled: true });
    expect(await pending).toEqual({ cancelled: true });
    expect(await service.cancelExplain({ requestId: 'issue-6' })).toEqual({ cancelled: false });
    // The next image is explained as usual.
    const next = await service.explainSample({
      runId,
      sampleIndex: 9,
      towards: 1,
      against: 0,
      requestId: 'issue-9',
    });
    expect('values' in next).toBe(true);
  });

  it('says why a run cannot be explained, and refuses unknown runs, images and classes', async () => {
    const raw = Project.open(join(dir, 'p.relabel'));
    raw.db.prepare('DELETE FROM run_models WHERE run_id = ?').run(runId);
    const probs = { numClasses: 2, values: new Float32Array(240 * 2).fill(0.5) };
    const imported = raw.runs.create('imported', {});
    raw.runs.finish(imported, { status: 'done', probs });
    const pretrained = raw.runs.create('cv', { model: 'pretrained' });
    raw.runs.finish(pretrained, { status: 'done', probs });
    raw.close();
    const r = await service.explainSample({ runId, sampleIndex: 12, towards: 1, against: 0 });
    expect(r).toEqual({ unavailable: expect.stringMatching(/trained before Relabel kept its models/) });
    expect(await service.explainSample({ runId: imported, sampleIndex: 12, towards: 1, against: 0 })).toEqual(
      {
        unavailable: expect.stringMatching(/imported from a file; there is no model/),
      },
    );
    expect(
      await service.explainSample({ runId: pretrained, sampleIndex: 12, towards: 1, against: 0 }),
    ).toEqual({
      unavailable: expect.stringMatching(/used 'pretrained', whose predictions Relabel cannot explain yet/),
    });
    await expect(
      service.explainSample({ runId: 99, sampleIndex: 0, towards: 1, against: 0 }),
    ).rejects.toMatchObject({
      code: 'not_found',
      message: 'run #99 does not exist',
    });
    await expect(
      service.explainSample({ runId, sampleIndex: 5000, towards: 1, against: 0 }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(service.explainSample({ runId, sampleIndex: 0, towards: 2, against: 0 })).rejects.toThrow(
      /class 2 does not exist/,
    );
  });
});

describe('Explainer (worker process)', () => {
  it('cancels a queued request in the worker and still answers the next one', async () => {
    const { tf } = await selectBackend('wasm');
    const input = { height: 64, width: 64, channels: 3 };
    const m = buildModel(tf, 'baseline', input, 2, 1);
    const model = await serializeModel(m, 'baseline', input, 2);
    m.dispose();
    const explainer = new Explainer('wasm');
    const req = (signal?: AbortSignal) => ({
      modelKey: 'baseline',
      load: () => model,
      image: new Uint8Array(64 * 64 * 3).fill(90),
      ...input,
      towards: 1,
      against: 0,
      method: 'occlusion' as const,
      signal,
    });
    try {
      const ac = new AbortController();
      const first = explainer.explain(req());
      const second = explainer.explain(req(ac.signal));
      ac.abort();
      await expect(second).rejects.toBeInstanceOf(AbortError);
      expect(explainer.sent).toEqual(['init', 'load', 'explain', 'explain', 'cancel']);
      expect((await first).values).toHaveLength(64 * 64);
      // The worker skipped the cancelled request: the third one comes back, and nothing else is pending.
      const third = await explainer.explain({ ...req(), method: 'gradient-x-input' });
      expect(third.values).toHaveLength(64 * 64);
    } finally {
      await explainer.close();
    }
  });
});
