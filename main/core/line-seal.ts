import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A seal on the executor's lines that only the executor can write. The training code runs as the
 * same user and can append anything to `executor.jsonl`; the desktop believes a line that matters
 * (the machine says its webhook post arrived, so the desktop stays quiet) only when it carries an
 * HMAC under a key the desktop made for that attempt, sent over the SSH channel's stdin and kept
 * in memory on both sides (never on the machine's disk, in arguments or logs).
 */

/** The fields of an executor line the seal covers: everything the line says, and which run it is of. */
export interface SealedLine {
  seq: number;
  at: string;
  phase: string;
  status: string;
  reason?: string;
  fix?: string;
}

/** The line key of attempt `attempt` (1-based) of run `runId`, from the run's SSE-C key (base64), in base64. */
export function lineKeyOf(sseKey: string, runId: string, attempt: number): string {
  return createHmac('sha256', Buffer.from(sseKey, 'base64'))
    .update(`traindeck executor line key\0${runId}\0${attempt}`)
    .digest('base64');
}

/** The seal of `line` of run `runId` under `key` (base64url HMAC-SHA256). */
export function sealLine(key: string, runId: string, line: SealedLine): string {
  return createHmac('sha256', Buffer.from(key, 'base64'))
    .update(JSON.stringify([runId, line.seq, line.at, line.phase, line.status, line.reason ?? null, line.fix ?? null]))
    .digest('base64url');
}

/** Whether `seal` is the seal of `line` under `key` (constant time; a missing or malformed seal is false). */
export function lineSealed(key: string, runId: string, line: SealedLine, seal: unknown): boolean {
  if (typeof seal !== 'string') return false;
  const expected = Buffer.from(sealLine(key, runId, line), 'base64url');
  const given = Buffer.from(seal, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
