/**
 * The desktop window's own scheme: the renderer is served from `app://traindeck/` by a handler
 * (Electron's `protocol.handle`) instead of `file://`, so the page has an origin of its own, gets
 * its CSP as a response header, and can reach no file but those of the built renderer folder.
 * Electron-free on purpose (web `Request` → `Response`): it is tested in plain Node.
 */
import { readFile } from 'node:fs/promises';

import type { PageId } from '../../shared/domain/app-info';
import { RENDERER_SECURITY_HEADERS } from '../../shared/security/csp';
import { resolveRendererFile } from '../core/renderer-files';

/** The scheme, registered as privileged before the app is ready. */
export const APP_SCHEME = 'app';
/** The one host the scheme serves: the page's origin is `app://traindeck`. */
export const APP_HOST = 'traindeck';

/**
 * What `protocol.registerSchemesAsPrivileged` grants the scheme: standard (an origin, relative
 * URLs, localStorage), secure (like https: no mixed-content downgrade), fetch. Not bypassCSP,
 * not corsEnabled, not stream: the page needs none of them.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** The renderer's address, opened on `page` when given (the renderer reads it from the hash). */
export function appUrl(page?: PageId): string {
  return `${APP_SCHEME}://${APP_HOST}/index.html${page ? `#page=${page}` : ''}`;
}

/** True when `url` is on the app's own origin (`app://traindeck/…`): the only place the window may go. */
export function isAppOrigin(url: string): boolean {
  const parsed = parseUrl(url);
  // Compared by scheme and host, not `origin`: Node gives a non-special scheme the origin "null".
  return parsed !== undefined && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/**
 * True when a frame URL is our own renderer page (the sender check of every IPC call and of
 * permissions): `app://traindeck/index.html` (or `/`), whatever its query or fragment. A `file://`
 * page is never ours, not even the renderer's index.html opened from disk.
 */
export function isRendererUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== undefined && isAppOrigin(url) && (parsed.pathname === '/index.html' || parsed.pathname === '/');
}

/**
 * The handler for `protocol.handle(APP_SCHEME, …)`: GET/HEAD of a file inside `rendererRoot`
 * (see resolveRendererFile: no `..`, encoded or not, no backslash, no symbolic link out, no
 * absolute path), with its content type, cache rule and the renderer's CSP; 404 for anything
 * else, including another host; 405 for other methods.
 */
export function appProtocolHandler(rendererRoot: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { ...RENDERER_SECURITY_HEADERS, allow: 'GET, HEAD' } });
    }
    const url = parseUrl(request.url);
    const file = url && isAppOrigin(request.url) ? await resolveRendererFile(rendererRoot, url.pathname) : undefined;
    const body = file ? await readFile(file.path).catch(() => undefined) : undefined;
    if (!file || !body) return notFound();
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        ...RENDERER_SECURITY_HEADERS,
        'content-type': file.contentType,
        'content-length': String(body.byteLength),
        'cache-control': file.cacheControl,
      },
    });
  };
}

function notFound(): Response {
  return new Response('Not found', {
    status: 404,
    headers: { ...RENDERER_SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
  });
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
