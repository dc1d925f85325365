import { createHash } from 'node:crypto';

/** OpenSSH's fingerprint of a host key blob: `SHA256:` + unpadded base64 (as `ssh-keygen -lf` prints). */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/**
 * The pinning rule. `expected` empty means first sight: the key is accepted and reported to
 * `onFirstSight` (the run journal records it, and it is expected from then on). Otherwise the
 * key must be one of `expected`; a changed key is refused before authentication.
 */
export interface HostKeyPin {
  expected: string[];
  onFirstSight?: (fingerprint: string) => void;
}

/** Decides one key; returns whether to continue and, when refused, why. */
export function checkHostKey(pin: HostKeyPin, fingerprint: string): { accept: boolean; firstSight: boolean } {
  if (pin.expected.length === 0) {
    pin.expected.push(fingerprint);
    pin.onFirstSight?.(fingerprint);
    return { accept: true, firstSight: true };
  }
  return { accept: pin.expected.includes(fingerprint), firstSight: false };
}
