import { app, session, shell, type WebContents } from 'electron';

import { RENDERER_CSP_HEADER } from '../../shared/security/csp';
import { redactUrlUserinfo } from '../../shared/security/redact-url';
import type { Logger } from '../core/logger';
import { isAppOrigin } from './app-protocol';
import { isDocumentationUrl } from './external-links';
import { isPermissionGranted } from './permission-policy';

/** Tells whether a web contents is the main window's top frame showing our renderer page. */
export type IsMainWindowRenderer = (contents: WebContents | null, isMainFrame: boolean) => boolean;

/**
 * App-wide hardening, applied before any window exists: the renderer may not navigate or be
 * redirected off the app's own origin (`app://traindeck/`), may not open windows or attach webviews, gets no permission but the clipboard write of its Copy
 * buttons (main window only, see ./permission-policy), and every response carries the CSP.
 */
export function hardenApp(log: Logger, isMainWindowRenderer: IsMainWindowRenderer): void {
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    const granted = isPermissionGranted(permission, {
      isMainWindowRenderer: isMainWindowRenderer(contents, details.isMainFrame),
    });
    if (!granted) log.warn('denied a permission request', { permission });
    callback(granted);
  });
  session.defaultSession.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionGranted(permission, { isMainWindowRenderer: isMainWindowRenderer(contents, details.isMainFrame) }),
  );
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP_HEADER] } });
  });
  app.on('web-contents-created', (_event, contents) => lockDown(contents, log));
}

function lockDown(contents: WebContents, log: Logger): void {
  // Electron 45 passes a details object; the positional URL argument is deprecated.
  // The page may move within app://traindeck/ (served only from the renderer folder), nowhere else.
  const stayOnAppOrigin = (kind: string) => (details: { url: string; preventDefault(): void }) => {
    if (isAppOrigin(details.url)) return;
    details.preventDefault();
    log.warn(`blocked a ${kind}`, { url: redactUrlUserinfo(details.url.slice(0, 200)) });
  };
  contents.on('will-navigate', stayOnAppOrigin('navigation'));
  const guardFrame = stayOnAppOrigin('frame navigation');
  contents.on('will-frame-navigate', (details) => {
    if (!details.isMainFrame) guardFrame(details);
  });
  contents.on('will-redirect', stayOnAppOrigin('redirect'));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app, not even
    // an app:// page, and no other site or scheme is handed to the OS (see ./external-links).
    if (isDocumentationUrl(url)) void shell.openExternal(url);
    else {
      log.warn('refused to open a link outside the documentation sites', { url: redactUrlUserinfo(url.slice(0, 200)) });
    }
    return { action: 'deny' };
  });
}
