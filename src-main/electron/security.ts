import type { Session, WebContents } from 'electron';
import { appCsp, isAllowedNavigation, withCspHeader, type AppLocation } from './policy';

/** Session-wide: our CSP on every response, and no permission (camera, notifications, …) is ever granted. */
export function hardenSession(session: Session, location: AppLocation): void {
  const csp = appCsp(location);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Per page: no navigation away from the app, no new windows, no <webview>. */
export function hardenWebContents(contents: WebContents, location: AppLocation): void {
  const refuseUnlessApp = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url, location)) event.preventDefault();
  };
  contents.on('will-navigate', refuseUnlessApp);
  contents.on('will-redirect', refuseUnlessApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
