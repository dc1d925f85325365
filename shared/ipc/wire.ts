import type { Result } from './result';

/*
 * Frames of the browser host's WebSocket. The client only sends `invoke`; the server
 * answers each with `result` (same id) and pushes `event` frames. No zod here: the
 * renderer imports this module, and the host validates frames with its own schema.
 */

/** A frame the renderer sends. */
export interface ClientFrame {
  type: 'invoke';
  id: number;
  command: string;
  payload: unknown;
}

/**
 * A frame the browser host sends. `hello.host` is random per host process: a page that
 * reconnects and sees a new one knows main restarted (its jobs are gone, its sequences
 * started over), so it drops what it had instead of merging it with the new snapshots.
 */
export type ServerFrame =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'hello'; protocol: number; host: string };

/** Bumped when frames change incompatibly; a mismatch is shown, not guessed around. */
export const WIRE_PROTOCOL = 1;

/** WebSocket path of the browser host. */
export const WIRE_PATH = '/ipc';
/** Query parameter carrying the per-launch token on the WebSocket URL. */
export const WIRE_TOKEN_PARAM = 'token';
/** Close code for a frame the server could not read. */
export const WIRE_CLOSE_BAD_FRAME = 4400;
