/**
 * `relabel serve` under load: starts the HTTP server over the service and keeps asking it for the review
 * queue, project info and thumbnails while other processes write the project.
 *
 *   node --import tsx tests/helpers/durability-http-reader.ts project=<file> static=<folder> seconds=<s>
 *
 * Prints `ready`, then `done {ops, rows, errors}`; a non-200 answer counts as an error.
 */
import { createService } from '../../src-main/core/service';
import { startServer } from '../../src-main/server/server';
import { args, deadline, describeError, emit, requireArg, type StressSummary } from './durability-io';

const a = args();
const service = createService({
  projectPath: requireArg(a, 'project'),
  annotator: 'http-reader',
});
const server = await startServer({ service, staticDir: requireArg(a, 'static'), log: () => {} });
const until = deadline(a);
const summary: StressSummary = { ops: 0, rows: 0, errors: [] };

async function call(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(new URL(path, server.url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.headers.get('content-type')?.includes('json') ? res.json() : res.arrayBuffer();
}

emit('ready');
while (Date.now() < until) {
  try {
    const page = (await call('/api/getIssues', { offset: (summary.ops * 50) % 400, limit: 50 })) as {
      issues: unknown[];
    };
    const info = (await call('/api/projectInfo', {})) as { counts: { decisions: Record<string, number> } };
    await call(`/media/thumb/${summary.ops % 100}`);
    summary.rows += page.issues.length + Object.values(info.counts.decisions).reduce((s, x) => s + x, 0);
    summary.ops++;
  } catch (e) {
    summary.errors.push(describeError(e));
    if (summary.errors.length > 20) break;
  }
}
await server.close();
await service.close();
emit(`done ${JSON.stringify(summary)}`);
