import { protocol, type Session } from 'electron';
import { httpStatusOf, logToStderr, toClientError } from '../transport/dispatch';
import { MEDIA_SCHEME, parseMediaUrl } from './policy';
import type { ServiceHolder } from './service-holder';

/** Must run before the app is ready: lets <img src="relabel-media://thumb/12"> and fetch() use the scheme. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** `relabel-media://<image|thumb>/<index>` → the service's bytes; the service never reads outside the dataset. */
export function handleMediaProtocol(session: Session, services: ServiceHolder): void {
  session.protocol.handle(MEDIA_SCHEME, async (request) => {
    const media = request.method === 'GET' ? parseMediaUrl(request.url) : null;
    if (!media) return new Response('bad media URL', { status: 400 });
    const service = services.current;
    if (!service) return new Response('no project open', { status: 404 });
    try {
      const { data, mime } = await service.readMedia(media.kind, media.index);
      return new Response(new Uint8Array(data), {
        headers: { 'Content-Type': mime, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' },
      });
    } catch (e) {
      const error = toClientError(`readMedia(${media.kind}, ${media.index})`, e, logToStderr);
      return new Response(error.message, { status: httpStatusOf(error.code) });
    }
  });
}
