import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiEvent } from '../../src-shared/api';
import type { TransportService } from '../transport/service-port';

export const HEARTBEAT_MS = 15_000;

/** Open server-sent-event streams, so that close() can end them. */
export class EventStreams {
  private readonly open = new Set<() => void>();

  /** GET /api/events: every ApiEvent as `data: <json>`, a comment line as heartbeat. */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    service: TransportService,
    heartbeatMs = HEARTBEAT_MS,
  ): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    const unsubscribe = service.subscribe((event: ApiEvent) => {
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    const end = () => {
      if (!this.open.delete(end)) return;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    this.open.add(end);
    req.once('close', end);
    res.once('close', end);
  }

  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
