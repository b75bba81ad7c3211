import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiEvent } from '../../src-shared/api';
import type { TransportService } from '../transport/service-port';
import { HttpError } from './respond';

export const HEARTBEAT_MS = 15_000;
/** Bytes an event stream may have waiting for a client that stopped reading; beyond it the client is dropped. */
export const MAX_STREAM_BUFFER = 1024 * 1024;
/** Event streams open at once (one per browser tab): a team of annotators, with room to spare. */
export const MAX_STREAMS = 64;

/**
 * Open server-sent-event streams, so that close() can end them. Memory stays bounded: a client whose unread
 * events exceed `maxBuffer` bytes is dropped (its browser reconnects and reloads what it shows), and at most
 * `maxStreams` streams are open.
 */
export class EventStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly maxBuffer = MAX_STREAM_BUFFER,
    private readonly maxStreams = MAX_STREAMS,
  ) {}

  get count(): number {
    return this.open.size;
  }

  /** GET /api/events: every ApiEvent as `data: <json>`, a comment line as heartbeat. */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    service: TransportService,
    heartbeatMs = HEARTBEAT_MS,
  ): void {
    if (this.open.size >= this.maxStreams) {
      throw new HttpError(
        503,
        'conflict',
        `too many event streams open (${this.maxStreams}); try again later`,
        {
          'Retry-After': '5',
        },
      );
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    let unsubscribe = () => {};
    // `end` uses `heartbeat`, declared below: nothing calls `end` before that line has run.
    const end = () => {
      if (!this.open.delete(end)) return;
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    const send = (text: string) => {
      if (!this.open.has(end)) return;
      res.write(text);
      // What the socket has not taken yet: a client that stopped reading lets it grow.
      if (res.writableLength > this.maxBuffer) {
        end();
        res.destroy();
      }
    };
    this.open.add(end);
    unsubscribe = service.subscribe((event: ApiEvent) => send(`data: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
    send(': connected\n\n');
    req.once('close', end);
    res.once('close', end);
  }

  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
