import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import type { KeyVault, KeyVaultStatus } from '../key-vault';

/** A test keychain: real code, not a mock. */
export interface FakeKeyVault extends KeyVault {
  /** How many times a key was opened (a test can see the vault was really used). */
  opened: number;
  /** Rotates the keychain's key, as an OS may: old seals still open, asking to be sealed again. */
  rotate(): void;
}

/**
 * An OS keychain stand-in: AES-256-GCM under a secret only this instance holds, so a second
 * fake vault cannot open what the first sealed (another computer or a reset keychain), just
 * as safeStorage behaves. `status` can make it report no keychain.
 */
export function fakeKeyVault(status: KeyVaultStatus = { kind: 'os-keychain' }): FakeKeyVault {
  let secret = randomBytes(32);
  const retired: Buffer[] = [];
  const openWith = (key: Buffer, sealed: Buffer) => {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  };
  const vault: FakeKeyVault = {
    opened: 0,
    rotate() {
      retired.push(secret);
      secret = randomBytes(32);
    },
    status: async () => status,
    async seal(bytes) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async open(sealed) {
      for (const [index, key] of [secret, ...retired].entries()) {
        try {
          const bytes = openWith(key, sealed);
          vault.opened += 1;
          return { bytes, reseal: index > 0 };
        } catch {
          // Not sealed with this key: try an older one.
        }
      }
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    },
  };
  return vault;
}
