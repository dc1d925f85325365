import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyVault, KeyVaultStatus } from '../key-vault';

/** A test keychain: real code, not a mock. */
export interface FakeKeyVault extends KeyVault {
  /** How many times a key was opened (a test can see the vault was really used). */
  opened: number;
}

/**
 * An OS keychain stand-in: AES-256-GCM under a secret only this instance holds, so a second
 * fake vault cannot open what the first sealed (another computer or a reset keychain), just
 * as safeStorage behaves. `status` can make it report no keychain.
 */
export function fakeKeyVault(status: KeyVaultStatus = { kind: 'os-keychain' }): FakeKeyVault {
  const secret = randomBytes(32);
  const vault: FakeKeyVault = {
    opened: 0,
    status: async () => status,
    async seal(bytes) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async open(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', secret, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      const bytes = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
      vault.opened += 1;
      return bytes;
    },
  };
  return vault;
}
