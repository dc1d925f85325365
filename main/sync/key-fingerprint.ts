import { createHash } from 'node:crypto';

/** AES-256 keys are 32 bytes. */
export const SSE_KEY_BYTES = 32;

/** A short, safe-to-show name for a key: the first 16 hex digits of its SHA-256. */
export function keyFingerprint(bytes: Buffer): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}
