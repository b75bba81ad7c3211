/**
 * The Content-Security-Policy of the renderer, for both shells. The HTTP server sends the base policy;
 * Electron adds its media scheme, and in development the Vite dev server's origin (HMR websocket).
 */
export function buildCsp(opts: { mediaScheme?: string; devServerOrigin?: string } = {}): string {
  const media = opts.mediaScheme ? ` ${opts.mediaScheme}:` : '';
  const dev = opts.devServerOrigin
    ? ` ${opts.devServerOrigin} ${opts.devServerOrigin.replace(/^http/, 'ws')}`
    : '';
  return [
    `default-src 'self'`,
    `img-src 'self' data: blob:${media}`,
    `style-src 'self' 'unsafe-inline'`,
    `script-src 'self'${dev}`,
    `connect-src 'self'${dev}`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

/** Headers every HTTP response carries, whatever its route or status. */
export const securityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': buildCsp(),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
