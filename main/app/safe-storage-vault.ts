import { safeStorage } from 'electron';
import type { KeyVault, KeyVaultStatus } from '../sync/key-vault';

/**
 * Where Linux has no keyring, Chromium "encrypts" with a password hard-coded in its source
 * (the `basic_text` backend): a file sealed that way only looks protected. We keep a plain
 * 0600 file instead and say so, rather than pretend.
 */
const NO_KEYRING =
  'No OS keyring was found (GNOME Keyring, KWallet…), so the key is a plain file (mode 0600) rather than sealed with a password anyone can look up.';
const UNAVAILABLE = 'The OS keychain is not available right now, so the key is a plain file (mode 0600).';

/**
 * The desktop app's {@link KeyVault}: Electron `safeStorage` (macOS Keychain, Windows DPAPI,
 * libsecret or KWallet on Linux). Uses the async API: the sync one is deprecated in Electron 45
 * and gone in 46, and both read the same ciphertext. Availability is asked at each use because
 * it is only known after `app` is ready, and a Linux keyring may come and go with the session.
 */
export function safeStorageVault(): KeyVault {
  const status = async (): Promise<KeyVaultStatus> => {
    // Asked first: it also starts the async encryptor, after which Linux knows its backend.
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return { kind: 'file', note: UNAVAILABLE };
    if (process.platform === 'linux') {
      const backend = safeStorage.getSelectedStorageBackend();
      if (backend === 'basic_text') return { kind: 'file', note: NO_KEYRING };
      if (backend === 'unknown') return { kind: 'file', note: UNAVAILABLE };
    }
    return { kind: 'os-keychain' };
  };
  return {
    status,
    // safeStorage takes strings: base64 carries the 32 bytes losslessly.
    seal: (bytes) => safeStorage.encryptStringAsync(bytes.toString('base64')),
    open: async (sealed) => Buffer.from((await safeStorage.decryptStringAsync(sealed)).result, 'base64'),
  };
}
