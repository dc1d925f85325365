import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';

import { type ClientFrame, type ServerFrame, WIRE_CLOSE_BAD_FRAME, WIRE_PROTOCOL } from '../../shared/ipc/wire';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import type { Router } from '../core/router';

/** What a page may send; anything else closes its connection. */
const clientFrameSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    command: z.string().min(1).max(100),
    payload: z.unknown(),
  })
  .strict() satisfies z.ZodType<ClientFrame>;

/** Largest frame a page may send; commands are small, so anything bigger is abuse. */
const MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Carries the contract over WebSocket: `invoke` frames go through the same router as
 * Electron IPC, and every bus event is pushed to every authenticated page.
 */
export class WsTransport {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  /** Sent in `hello`; new at each start, so pages notice a restart (see ServerFrame). */
  readonly instance = randomUUID();

  constructor(
    private readonly router: Router,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  /** Completes an upgrade the caller has already authenticated. */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws));
  }

  /** Number of open page connections (tests, status). */
  get connections(): number {
    return this.wss.clients.size;
  }

  /** Closes every connection. */
  close(): Promise<void> {
    for (const client of this.wss.clients) client.close(1001, 'TrainDeck is shutting down');
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private serve(ws: WebSocket): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = this.bus.onAny((event, payload) => send({ type: 'event', event, payload }));
    ws.on('close', unsubscribe);
    ws.on('error', (error) => this.log.warn('page connection error', { error: error.message }));
    ws.on('message', async (data, isBinary) => {
      const frame = isBinary ? undefined : parseFrame(data.toString());
      if (!frame) {
        ws.close(WIRE_CLOSE_BAD_FRAME, 'unreadable frame');
        return;
      }
      const result = await this.router.handle(frame.command, frame.payload, { transport: 'web', authenticated: true });
      send({ type: 'result', id: frame.id, result });
    });
    send({ type: 'hello', protocol: WIRE_PROTOCOL, host: this.instance });
  }
}

function parseFrame(text: string): ClientFrame | undefined {
  try {
    const parsed = clientFrameSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
