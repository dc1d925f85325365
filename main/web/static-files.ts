import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';

import { resolveRendererFile } from '../core/renderer-files';

/**
 * Serves the built renderer from `root`. Only GET/HEAD, only files inside `root`
 * (a path that escapes it, by `..` or a symbolic link, is a 404, never a read), and `/` maps to index.html.
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
  const file = await resolveRendererFile(root, new URL(request.url ?? '/', 'http://host').pathname);
  if (!file) {
    response.writeHead(404, headers).end('Not found');
    return;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': file.contentType,
    'content-length': file.size,
    'cache-control': file.cacheControl,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  // pipeline, not pipe: a read error (the file went away) or a page that leaves mid-download
  // destroys both streams instead of crashing the host or leaking the file descriptor.
  pipeline(createReadStream(file.path), response, (error) => {
    if (error) response.destroy();
  });
}
