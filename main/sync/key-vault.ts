import type { KeyStorage } from '../../shared/domain/account';

/** What a vault can do right now, and why not when it cannot. */
export interface KeyVaultStatus {
  /** 'os-keychain': new keys are sealed; 'file': keys stay plain 0600 files. */
  kind: KeyStorage;
  /** Shown next to the key when sealing was wanted but is not possible (a Linux desktop without a keyring). */
  note?: string;
}

/**
 * The port that keeps SSE-C keys sealed at rest. The desktop app backs it with Electron's
 * `safeStorage` (main/app/safe-storage-vault.ts); the browser host and the CLI use
 * {@link plainFileVault}. Async because safeStorage's sync API is deprecated (Electron 45)
 * and may wait on the OS keychain; and because availability is only known once Electron is ready,
 * `status()` is asked at each use rather than fixed when the vault is built.
 */
export interface KeyVault {
  /** Whether sealing works here, now. */
  status(): Promise<KeyVaultStatus>;
  /** Encrypts the raw key with the OS keychain; only this computer and user can open the result. */
  seal(bytes: Buffer): Promise<Buffer>;
  /** The raw key back; throws when this keychain did not seal it (another computer, user or a reset keychain). */
  open(sealed: Buffer): Promise<OpenedKey>;
}

/** A key opened by a {@link KeyVault}. */
export interface OpenedKey {
  bytes: Buffer;
  /**
   * The keychain rotated its key since this was sealed (safeStorage's `shouldReEncrypt`): the
   * caller seals the bytes again and rewrites the file, or the old seal stops opening one day.
   */
  reseal: boolean;
}

/**
 * The vault of the CLI and the browser host: no keychain, keys are plain 0600 files. `note`
 * explains the fallback where a keychain was expected. seal/open throw: callers check
 * `status()` first, so reaching them is a bug, not a user error.
 */
export function plainFileVault(note?: string): KeyVault {
  const unavailable = async (): Promise<never> => {
    throw new Error('no OS keychain here: keys are plain files');
  };
  return {
    status: async () => ({ kind: 'file', ...(note ? { note } : {}) }),
    seal: unavailable,
    open: unavailable,
  };
}
