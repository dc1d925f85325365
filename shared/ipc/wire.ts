import { z } from 'zod';
import type { Result } from './result';

/**
 * Frames of the browser host's WebSocket. The client only sends `invoke`; the server
 * answers each with `result` (same id) and pushes `event` frames.
 */
export const clientFrameSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    command: z.string().min(1).max(100),
    payload: z.unknown(),
  })
  .strict();

/** A frame the renderer sends. */
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** A frame the browser host sends. */
export type ServerFrame =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: string; payload: unknown }
  | { type: 'hello'; protocol: number };

/** Bumped when frames change incompatibly; a mismatch is shown, not guessed around. */
export const WIRE_PROTOCOL = 1;

/** WebSocket path of the browser host. */
export const WIRE_PATH = '/ipc';
/** Query parameter carrying the per-launch token on the WebSocket URL. */
export const WIRE_TOKEN_PARAM = 'token';
/** Close code for a frame the server could not read. */
export const WIRE_CLOSE_BAD_FRAME = 4400;
