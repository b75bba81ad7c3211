import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf, toClientError, type InternalErrorLog } from '../transport/dispatch';
import { parseMediaSegments } from '../transport/media-request';
import { HttpError } from './respond';
import type { TransportService } from '../transport/service-port';

/**
 * GET /media/<image|thumb>/<index>. The raw path must be exactly that (no decoding, no normalising), so
 * "..", encoded traversal and absolute paths never reach the service; the service itself also never reads
 * outside the dataset root.
 */
export async function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  service: TransportService,
  rawPath: string,
  log: InternalErrorLog,
): Promise<void> {
  const parts = rawPath.split('/');
  const media = parts.length === 4 ? parseMediaSegments(parts[2], parts[3]) : null;
  if (!media) throw new HttpError(400, 'invalid_input', 'media URLs look like /media/<image|thumb>/<index>');

  let found: { data: Buffer; mime: string };
  try {
    found = await service.readMedia(media.kind, media.index);
  } catch (e) {
    const error = toClientError(`readMedia(${media.kind}, ${media.index})`, e, log);
    throw new HttpError(httpStatusOf(error.code), error.code, error.message);
  }
  // The bytes behind an index change when a dataset is re-imported, so the browser revalidates.
  const etag = `"${createHash('sha1').update(found.data).digest('base64url')}"`;
  const headers = { ETag: etag, 'Cache-Control': 'private, no-cache' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'Content-Type': found.mime, 'Content-Length': found.data.length });
  res.end(req.method === 'HEAD' ? undefined : found.data);
}
