import { app, session, shell, type WebContents } from 'electron';
import { RENDERER_CSP_HEADER } from '../../shared/security/csp';
import type { Logger } from '../core/logger';

/**
 * App-wide hardening, applied before any window exists: the renderer may not navigate,
 * open windows, attach webviews or get any permission, and every response carries the CSP.
 */
export function hardenApp(log: Logger): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('denied a permission request', { permission });
    callback(false);
  });
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP_HEADER] } });
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents, log));
}

function lockDown(contents: WebContents, log: Logger): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log.warn('blocked a navigation', { url });
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
