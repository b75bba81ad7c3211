/**
 * Builds a small real project with ranked label issues for the Electron e2e spec, through the service
 * API only: demo dataset import → 2-fold baseline cross-validation → computeIssues.
 * Run: npx tsx e2e/electron-project.ts <dir>   (prints the project path)
 */
import { join } from 'node:path';
import { writeDemoDataset } from '../src-main/core/dataset/demo';
import type { ApiEvent, JobEvent } from '../src-shared/api';
import { createService, type RelabelService } from '../src-main/core/service';

/** A 300-image demo dataset with known label noise: enough issues for the shared review flow. */
async function writeImages(dir: string): Promise<string> {
  const data = join(dir, 'data');
  await writeDemoDataset(data, { count: 300, size: 32, noise: 0.1, seed: 5, source: 'procedural' });
  return join(data, 'train_img');
}

async function runJob(service: RelabelService, start: () => Promise<{ jobId: string }>): Promise<JobEvent> {
  const finished: JobEvent[] = [];
  const stop = service.subscribe((e: ApiEvent) => {
    if (e.type === 'job' && e.job.status !== 'running') finished.push(e.job);
  });
  try {
    const { jobId } = await start();
    for (;;) {
      const job = finished.find((j) => j.jobId === jobId);
      if (job) {
        if (job.status !== 'done')
          throw new Error(`job ${job.kind} ${job.status}: ${job.error ?? job.message}`);
        return job;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    stop();
  }
}

export async function makeReviewProject(dir: string): Promise<string> {
  const projectPath = join(dir, 'review.relabel');
  const service = createService({
    projectPath,
    annotator: 'e2e',
    createIfMissing: true,
  });
  try {
    const source = await writeImages(dir);
    await runJob(service, () => service.importDataset({ source }));
    await runJob(service, () =>
      service.startTraining({
        config: { model: 'baseline', folds: 2, epochs: 3, backend: 'auto', workers: 2, seed: 1 },
      }),
    );
    const set = await service.computeIssues({});
    if (set.count === 0) throw new Error('the e2e project has no label issues to review');
    return projectPath;
  } finally {
    await service.close();
  }
}

if (process.argv[1]?.endsWith('electron-project.ts')) {
  makeReviewProject(process.argv[2] ?? '.').then(
    (path) => process.stdout.write(`${path}\n`),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
      process.exitCode = 1;
    },
  );
}
