import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { WIRE_PATH, WIRE_TOKEN_PARAM } from '../../shared/ipc/wire';
import { RENDERER_SECURITY_HEADERS } from '../../shared/security/csp';
import type { Core } from '../composition/create-core';
import type { Logger } from '../core/logger';
import { serveStatic } from './static-files';
import { bearerToken, createToken, tokensMatch } from './token';
import { WsTransport } from './ws-transport';

/** The browser host only ever listens here: other machines must not reach it. */
const LOOPBACK = '127.0.0.1';

/** A running browser host. */
export interface WebHost {
  /** The page to open, with the token in the fragment (never sent to a server or a log). */
  url: string;
  port: number;
  token: string;
  transport: WsTransport;
  close(): Promise<void>;
}

/** Options of {@link startWebHost}. */
export interface WebHostOptions {
  core: Core;
  rendererDir: string;
  log: Logger;
  /** 0 picks a free port. */
  port?: number;
  /** A known token (tests, `--token-file`); otherwise a fresh one per launch. */
  token?: string;
}

/**
 * Serves the built renderer and the contract over a WebSocket on 127.0.0.1. Every
 * WebSocket must present the per-launch token and come from this host's own origin
 * (no other site open in the browser can drive TrainDeck).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? createToken();
  const transport = new WsTransport(options.core.router, options.core.bus, options.log);
  let port = 0;
  const isOwnHost = (host: string | undefined) => host === `${LOOPBACK}:${port}` || host === `localhost:${port}`;

  const server: Server = createServer((request, response) => {
    if (!isOwnHost(request.headers.host)) {
      response.writeHead(421, RENDERER_SECURITY_HEADERS).end('Misdirected request');
      return;
    }
    if (new URL(request.url ?? '/', 'http://host').pathname === '/session') {
      // Lets the page tell "wrong token" from "host not running" without a WebSocket.
      const authorized = tokensMatch(bearerToken(request.headers.authorization), token);
      response.writeHead(authorized ? 204 : 401, RENDERER_SECURITY_HEADERS).end();
      return;
    }
    serveStatic(options.rendererDir, request, response, RENDERER_SECURITY_HEADERS).catch((error: Error) => {
      options.log.error('static file failed', { error: error.message });
      if (!response.headersSent) response.writeHead(500, RENDERER_SECURITY_HEADERS);
      response.end();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(request, token, isOwnHost);
    if (refusal) {
      options.log.warn('refused a WebSocket connection', { reason: refusal.reason });
      socket.end(`HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    transport.accept(request, socket, head);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK}:${port}/#token=${token}`,
    port,
    token,
    transport,
    async close() {
      await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuseUpgrade(
  request: IncomingMessage,
  token: string,
  isOwnHost: (host: string | undefined) => boolean,
): { status: string; reason: string } | undefined {
  const url = new URL(request.url ?? '/', 'http://host');
  if (url.pathname !== WIRE_PATH) return { status: '404 Not Found', reason: 'wrong path' };
  if (!isOwnHost(request.headers.host)) return { status: '421 Misdirected Request', reason: 'foreign host header' };
  const origin = request.headers.origin;
  if (origin !== undefined && !isOwnHost(origin.replace(/^http:\/\//, ''))) {
    return { status: '403 Forbidden', reason: 'foreign origin' };
  }
  if (!tokensMatch(url.searchParams.get(WIRE_TOKEN_PARAM), token)) {
    return { status: '401 Unauthorized', reason: 'missing or wrong token' };
  }
  return undefined;
}
