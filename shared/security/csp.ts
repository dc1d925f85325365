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

/**
 * The response headers of every renderer file, however it is served (the browser host over http,
 * the desktop app's `app://` scheme): the CSP, no MIME sniffing, no referrer, no framing, no opener.
 */
export const RENDERER_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': RENDERER_CSP_HEADER,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};
