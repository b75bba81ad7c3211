import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ApiEvent, JobEvent } from '../../src-shared/api';
import type { TransportService } from '../../src-main/transport/service-port';

/**
 * A real ImageFolder dataset: `<dir>/dark/*.png` and `<dir>/bright/*.png`, 8x8 grayscale, with
 * `mislabeled` bright images filed under dark.
 */
export async function makeImageFolder(dir: string, perClass = 8, mislabeled = 1): Promise<string> {
  for (const cls of ['bright', 'dark']) mkdirSync(join(dir, cls), { recursive: true });
  const png = (level: number) =>
    sharp(Buffer.alloc(64, level), { raw: { width: 8, height: 8, channels: 1 } })
      .png()
      .toBuffer();
  for (let i = 0; i < perClass; i++) {
    const darkIsBright = i < mislabeled;
    await sharp(await png(darkIsBright ? 230 : 20 + i)).toFile(join(dir, 'dark', `d${i}.png`));
    await sharp(await png(220 + i)).toFile(join(dir, 'bright', `b${i}.png`));
  }
  return dir;
}

/** Resolves with the final event of a job (done, failed or cancelled). */
export function jobFinished(
  service: TransportService,
  start: () => Promise<{ jobId: string }>,
): Promise<JobEvent> {
  return new Promise((resolve, reject) => {
    let jobId: string | null = null;
    const early: JobEvent[] = [];
    const finished = (job: JobEvent) => job.status !== 'running';
    const stop = service.subscribe((e: ApiEvent) => {
      if (e.type !== 'job') return;
      if (jobId === null) return void early.push(e.job);
      if (e.job.jobId === jobId && finished(e.job)) {
        stop();
        resolve(e.job);
      }
    });
    start().then(({ jobId: id }) => {
      jobId = id;
      const done = early.find((j) => j.jobId === id && finished(j));
      if (done) {
        stop();
        resolve(done);
      }
    }, reject);
  });
}
