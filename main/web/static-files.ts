import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * Serves the built renderer from `root`. Only GET/HEAD, only files inside `root`
 * (a path that escapes it is a 404, never a read), and `/` maps to index.html.
 */
export async function serveStatic(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponentSafe(new URL(request.url ?? '/', 'http://host').pathname);
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, relative);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    response.writeHead(404, headers).end('Not found');
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    response.writeHead(404, headers).end('Not found');
    return;
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  // Hashed assets never change; index.html must always be fresh to pick them up.
  const cache = relative.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.writeHead(200, { ...headers, 'content-type': type, 'content-length': info.size, 'cache-control': cache });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  // pipeline, not pipe: a read error (the file went away) or a page that leaves mid-download
  // destroys both streams instead of crashing the host or leaking the file descriptor.
  pipeline(createReadStream(file), response, (error) => {
    if (error) response.destroy();
  });
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '/\0invalid';
  }
}
