import type { IncomingMessage } from 'node:http';
import { excerpt } from '../core/quote';
import { HttpError } from './respond';

/** Every API input is small: the largest, a bulk decision on 2,000 images, is about 14 KB. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Reads a JSON request body of at most `limit` bytes. An empty body counts as `{}` (calls without input).
 * Requiring application/json also keeps plain cross-site form posts out (they cannot set that type).
 */
export async function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (type !== 'application/json' || (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new HttpError(
      415,
      'invalid_input',
      'the request body must be UTF-8 JSON (Content-Type: application/json)',
    );
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);

  const body = await collect(req, limit);
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(
      400,
      'invalid_input',
      `the request body is not valid JSON (${excerpt((e as Error).message)})`,
    );
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'invalid_input', `the request body is larger than ${limit} bytes`, {
    Connection: 'close',
  });
}

/**
 * Collects the body without destroying the request on overflow (destroying it would kill the socket
 * before the 413 can be written); the rest of an oversized body is read and dropped.
 */
function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(tooLarge(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
