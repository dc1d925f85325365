import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';

/** Content types of what the built renderer holds; a module script must be served as JavaScript. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** A file of the built renderer, found by {@link resolveRendererFile}. */
export interface RendererFile {
  /** Its real path (symbolic links resolved), inside the renderer folder's real path. */
  path: string;
  size: number;
  contentType: string;
  cacheControl: string;
}

/**
 * The file of the built renderer folder `root` that a URL path names, or undefined when there is
 * none or when the path could name anything outside it. `pathname` is the path as it arrived
 * (percent-encoded); it is decoded exactly once, so `%252e%252e` stays a literal name. Refused:
 * a `..` segment (however it was written), a backslash, a NUL, an undecodable escape, and any
 * file whose real path (symbolic links followed) is not inside the real path of `root`. `/` is
 * index.html. Shared by the browser host (http) and the desktop app's `app://` scheme.
 */
export async function resolveRendererFile(root: string, pathname: string): Promise<RendererFile | undefined> {
  const segments = decodedSegments(pathname);
  if (!segments) return undefined;
  const relativePath = segments.length === 0 ? 'index.html' : segments.join('/');
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(join(root, relativePath))]);
    const inside = relative(realRoot, realFile);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
    const info = await stat(realFile);
    if (!info.isFile()) return undefined;
    return {
      path: realFile,
      size: info.size,
      contentType: CONTENT_TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream',
      // Vite's hashed assets never change; index.html must always be fresh to pick them up.
      cacheControl: segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
  } catch {
    return undefined;
  }
}

/** The path's non-empty segments, decoded once; undefined for anything that could step outside. */
function decodedSegments(pathname: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..' || /^[a-z]:/i.test(segment))) return undefined;
  return segments;
}
