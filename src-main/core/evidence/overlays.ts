import type { SaliencyMethod, SaliencyOverlay, SaliencyResult } from '../../../src-shared/evidence';
import type { Project } from '../store/project';
import { SINGLE_MODEL } from '../store/run-models';
import type { RunRecord } from '../store/runs';
import { REBUILDABLE_MODELS } from '../train/model-weights';
import { AbortError } from '../train/trainer';
import type { Explainer } from './explainer';
import { maxAbs } from './saliency';

/**
 * The method the review uses, chosen by bench/saliency.ts (README "Show why"): gradient × input agrees
 * with occlusion on where the evidence lies and is an order of magnitude faster.
 */
export const DEFAULT_SALIENCY_METHOD: SaliencyMethod = 'gradient-x-input';
/** Overlays kept in memory, per (run, image, classes, method). */
const CACHE_SIZE = 512;

export interface OverlayRequest {
  runId: number;
  sampleIndex: number;
  towards: number;
  against: number;
  /** Lets the caller cancel this request later (cancelOverlay) without holding its promise. */
  requestId?: string;
}

/** A user-facing reason a request cannot be served (unknown run, image or class). */
export class OverlayRequestError extends Error {
  override name = 'OverlayRequestError';
}

/**
 * Saliency overlays of a project's runs: finds the model that produced an image's probabilities (the
 * fold that held the image out, or a hold-out run's single model), has the explainer compute the map off
 * the main thread, and caches the result per (run, image, classes, method).
 */
export class OverlayService {
  private readonly cache = new Map<string, SaliencyOverlay>();
  private readonly inFlight = new Map<string, AbortController>();
  private readonly foldOf = new Map<number, Int16Array>();

  constructor(
    private readonly project: Project,
    private readonly explainer: Explainer,
    readonly method: SaliencyMethod = DEFAULT_SALIENCY_METHOD,
  ) {}

  async explain(req: OverlayRequest, signal?: AbortSignal): Promise<SaliencyResult> {
    const run = this.project.runs.get(req.runId);
    if (!run) throw new OverlayRequestError(`run #${req.runId} does not exist`);
    const info = this.project.requireDataset();
    const sample = req.sampleIndex < info.numSamples ? this.project.getSample(req.sampleIndex) : undefined;
    if (!sample) throw new OverlayRequestError(`image index ${req.sampleIndex} does not exist`);
    const k = this.project.getClasses().reduce((m, c) => Math.max(m, c.id + 1), 0);
    for (const c of [req.towards, req.against])
      if (c >= k) throw new OverlayRequestError(`class ${c} does not exist (the dataset has ${k} classes)`);
    if (req.towards === req.against)
      throw new OverlayRequestError('an overlay compares two different classes');

    const unavailable = this.whyUnavailable(run);
    if (unavailable) return { unavailable };
    if (sample.width === 0)
      return { unavailable: 'this image could not be read at import, so no model saw it' };
    const fold = this.modelFold(run, sample.index);
    if (fold === null) return { unavailable: `run #${run.id} made no prediction for this image` };
    if (!this.project.models.list(run.id).some((m) => m.fold === fold)) {
      return {
        unavailable: `run #${run.id} was trained before Relabel kept its models; train again to see where the model looked`,
      };
    }

    const key = `${run.id}/${sample.index}/${req.towards}/${req.against}/${this.method}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return { ...hit, cached: true, computeMs: 0 };
    }

    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (req.requestId) {
      this.inFlight.get(req.requestId)?.abort();
      this.inFlight.set(req.requestId, controller);
    }
    try {
      const r = await this.explainer.explain({
        modelKey: `${run.id}/${fold}`,
        load: () => this.project.models.get(run.id, fold)!,
        image: this.project.readSamplePixels(sample.index)!,
        height: info.inputHeight,
        width: info.inputWidth,
        channels: info.channels,
        towards: req.towards,
        against: req.against,
        method: this.method,
        signal: controller.signal,
      });
      const scale = maxAbs(r.values);
      const overlay: SaliencyOverlay = {
        runId: run.id,
        sampleIndex: sample.index,
        fold: fold === SINGLE_MODEL ? null : fold,
        method: this.method,
        towards: req.towards,
        against: req.against,
        width: info.inputWidth,
        height: info.inputHeight,
        values: Array.from(r.values, (v) => (scale > 0 ? Math.round((v / scale) * 1000) / 1000 : 0)),
        scale,
        logOdds: r.logOdds,
        computeMs: Math.round(r.computeMs),
        cached: false,
      };
      this.cache.set(key, overlay);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      return overlay;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (req.requestId && this.inFlight.get(req.requestId) === controller)
        this.inFlight.delete(req.requestId);
    }
  }

  /** Cancels the request with this id; false when it already finished (or never existed). */
  cancel(requestId: string): boolean {
    const c = this.inFlight.get(requestId);
    if (!c) return false;
    this.inFlight.delete(requestId);
    c.abort();
    return true;
  }

  /** Forgets cached overlays and fold maps (after an import: indices may mean other images). */
  reset(): void {
    this.cache.clear();
    this.foldOf.clear();
  }

  private whyUnavailable(run: RunRecord): string | null {
    if (run.kind === 'imported')
      return `run #${run.id} holds probabilities imported from a file; there is no model to explain them`;
    if (run.status !== 'done') return `run #${run.id} has not finished`;
    if (run.datasetGeneration !== this.project.datasetGeneration)
      return `run #${run.id} was trained on a dataset that has since been re-imported`;
    const model = run.config.model;
    if (typeof model === 'string' && !REBUILDABLE_MODELS.includes(model))
      return `overlays are computed for the models trained on the pixels (${REBUILDABLE_MODELS.join(', ')}); run #${run.id} used '${model}', whose predictions Relabel cannot explain yet`;
    return null;
  }

  /** The fold whose model predicted this image (SINGLE_MODEL for a hold-out run), null when none did. */
  private modelFold(run: RunRecord, index: number): number | null {
    const NONE = -2;
    let map = this.foldOf.get(run.id);
    if (!map) {
      map = new Int16Array(this.project.getDatasetInfo()?.numSamples ?? 0).fill(NONE);
      if (run.kind === 'cv') {
        for (const f of this.project.runs.folds(run.id)) for (const s of f.testIndices) map[s] = f.fold;
      } else {
        const probs = this.project.runs.probs(run.id);
        const k = probs?.numClasses ?? 1;
        for (let s = 0; s < map.length; s++)
          if (probs && !Number.isNaN(probs.values[s * k])) map[s] = SINGLE_MODEL;
      }
      this.foldOf.set(run.id, map);
    }
    return index < map.length && map[index] !== NONE ? map[index] : null;
  }
}

export const isCancelled = (e: unknown): boolean => e instanceof AbortError;
