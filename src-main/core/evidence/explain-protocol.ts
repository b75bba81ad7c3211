import type { BackendChoice, BackendName } from '../../../src-shared/domain';
import type { SaliencyMethod } from '../../../src-shared/evidence';
import type { ModelSpec } from '../train/model-weights';

/** Messages between the explainer (parent) and the explain worker (child process), over the IPC channel. */

export type ExplainParentMessage =
  | { type: 'init'; backend: BackendChoice }
  /** Makes a model available under `key` (float32 weights, base64) until evicted. */
  | { type: 'load'; key: string; spec: ModelSpec; weights: string }
  | { type: 'evict'; key: string }
  | {
      type: 'explain';
      id: number;
      key: string;
      /** uint8 HWC, base64. */
      image: string;
      height: number;
      width: number;
      channels: number;
      towards: number;
      against: number;
      method: SaliencyMethod;
    }
  /** Handled at once (not queued): a running explanation stops at its next batch, a queued one never starts. */
  | { type: 'cancel'; id: number }
  | { type: 'exit' };

export type ExplainChildMessage =
  | { type: 'ready'; backend: BackendName; notes: string[] }
  | { type: 'result'; id: number; values: string; logOdds: number; computeMs: number; cpuMs: number }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number | null; message: string };
