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
 * Chromium's OSCrypt tags what it seals: `v10` under the hard-coded password (basic_text),
 * `v11` under a key from the keyring (libsecret, KWallet, the Secret portal).
 */
const KEYRING_SEAL_TAG = 'v11';
const HARD_CODED_SEAL_TAG = 'v10';

/** What a real encryption through the async API showed. */
export type EncryptProbe = { ok: true; sealed: Buffer } | { ok: false };

/**
 * Whether Linux seals with a real keyring. The backend's name alone can say `basic_text` while
 * the async encryptor found a keyring over D-Bus (the name is the sync API's, picked before
 * the session's keyring answered): a real encryption's tag tells which key was used. Pure: tested.
 */
export function linuxKeyringStatus(backend: string, probe: EncryptProbe): KeyVaultStatus {
  if (!probe.ok) return { kind: 'file', note: UNAVAILABLE };
  const tag = probe.sealed.subarray(0, 3).toString('latin1');
  if (tag === KEYRING_SEAL_TAG) return { kind: 'os-keychain' };
  if (tag === HARD_CODED_SEAL_TAG || backend === 'basic_text') return { kind: 'file', note: NO_KEYRING };
  if (backend === 'unknown') return { kind: 'file', note: UNAVAILABLE };
  return { kind: 'os-keychain' };
}

/**
 * The desktop app's {@link KeyVault}: Electron `safeStorage` (macOS Keychain, Windows DPAPI,
 * libsecret or KWallet on Linux). Uses the async API: the sync one is deprecated in Electron 45
 * and gone in 46, and both read the same ciphertext. Availability is asked at each use because
 * it is only known after `app` is ready, and a Linux keyring may come and go with the session;
 * on Linux one real encryption (once it works, kept for the session) decides whether the
 * keyring is real. A key the keychain has rotated since it was sealed is sealed again
 * (`shouldReEncrypt`; see openSealedKey).
 */
export function safeStorageVault(platform: NodeJS.Platform = process.platform): KeyVault {
  let provenKeyring: Promise<KeyVaultStatus> | undefined;
  const probeLinux = async (): Promise<KeyVaultStatus> => {
    const probe: EncryptProbe = await safeStorage.encryptStringAsync('traindeck keyring probe').then(
      (sealed) => ({ ok: true as const, sealed }),
      () => ({ ok: false as const }),
    );
    return linuxKeyringStatus(safeStorage.getSelectedStorageBackend(), probe);
  };
  const status = async (): Promise<KeyVaultStatus> => {
    // Asked first: it also starts the async encryptor, after which Linux knows its backend.
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return { kind: 'file', note: UNAVAILABLE };
    if (platform !== 'linux') return { kind: 'os-keychain' };
    const verdict = await (provenKeyring ?? probeLinux());
    // Only a working keyring is kept: one that was locked or missing is asked again next time.
    if (verdict.kind === 'os-keychain') provenKeyring ??= Promise.resolve(verdict);
    return verdict;
  };
  return {
    status,
    // safeStorage takes strings: base64 carries the 32 bytes losslessly.
    seal: (bytes) => safeStorage.encryptStringAsync(bytes.toString('base64')),
    open: async (sealed) => {
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(sealed);
      return { bytes: Buffer.from(result, 'base64'), reseal: shouldReEncrypt };
    },
  };
}
