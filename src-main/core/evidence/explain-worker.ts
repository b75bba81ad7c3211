/**
 * Entry point of the explain worker process (started by explainer.ts; bundled as out/main/explain-worker.js).
 * Holds a tfjs backend and the models the parent loaded, and computes one saliency map per request, off
 * the main process so the review never waits for it. Exits when the parent disconnects.
 */
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { selectBackend, type SelectedBackend } from '../train/backend';
import { restoreModel } from '../train/model-weights';
import { decodeFloat32, encodeArray } from '../train/protocol';
import { AbortError } from '../train/trainer';
import type { ExplainChildMessage, ExplainParentMessage } from './explain-protocol';
import { explainImage } from './saliency';

const send = (m: ExplainChildMessage): void => void process.send!(m);

function main(): void {
  if (!process.send) {
    process.stderr.write('explain-worker is started by Relabel, not directly\n');
    process.exit(2);
  }
  let backend: Promise<SelectedBackend> | null = null;
  const models = new Map<string, LayersModel>();
  const cancelled = new Set<number>();
  let queue = Promise.resolve();

  const handle = async (m: ExplainParentMessage): Promise<void> => {
    switch (m.type) {
      case 'init':
        backend = selectBackend(m.backend).then((b) => {
          b.tf.env().set('PROD', true);
          send({ type: 'ready', backend: b.name, notes: b.notes });
          return b;
        });
        await backend;
        return;
      case 'load': {
        const { tf } = await backend!;
        models.get(m.key)?.dispose();
        models.set(m.key, restoreModel(tf, { spec: m.spec, weights: decodeFloat32(m.weights) }));
        return;
      }
      case 'evict':
        models.get(m.key)?.dispose();
        models.delete(m.key);
        return;
      case 'explain': {
        if (cancelled.delete(m.id)) return void send({ type: 'cancelled', id: m.id });
        const { tf } = await backend!;
        const model = models.get(m.key);
        if (!model) throw new Error(`model ${m.key} was not loaded`);
        const signal = {
          get aborted() {
            return cancelled.has(m.id);
          },
        } as AbortSignal;
        const started = performance.now();
        const cpu = process.cpuUsage();
        try {
          const r = await explainImage({
            tf,
            model,
            image: new Uint8Array(Buffer.from(m.image, 'base64')),
            height: m.height,
            width: m.width,
            channels: m.channels,
            towards: m.towards,
            against: m.against,
            method: m.method,
            signal,
          });
          send({
            type: 'result',
            id: m.id,
            values: encodeArray(r.values),
            logOdds: r.logOdds,
            computeMs: performance.now() - started,
            cpuMs: ((u) => (u.user + u.system) / 1000)(process.cpuUsage(cpu)),
          });
        } catch (e) {
          if (e instanceof AbortError) send({ type: 'cancelled', id: m.id });
          else throw e;
        } finally {
          cancelled.delete(m.id);
        }
        return;
      }
      default:
        return;
    }
  };

  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ExplainParentMessage) => {
    if (m.type === 'cancel') return void cancelled.add(m.id);
    if (m.type === 'exit') return void process.disconnect();
    queue = queue.then(() =>
      handle(m).catch((e: unknown) =>
        send({
          type: 'error',
          id: m.type === 'explain' ? m.id : null,
          message: (e as Error)?.message ?? String(e),
        }),
      ),
    );
  });
}

main();
