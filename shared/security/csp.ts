/**
 * The renderer's Content-Security-Policy, one string for every way it is served: a meta
 * tag in the built index.html, the browser host's response header, and Electron's
 * response headers (the header form adds frame-ancestors). `connect-src 'self'` also
 * admits the host's same-origin WebSocket.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** The same policy plus what only a response header can carry (a meta tag ignores frame-ancestors). */
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;
