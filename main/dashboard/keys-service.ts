import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { KeyFileInfo } from '../../shared/domain/account';
import { TypedError } from '../../shared/ipc/result';
import { type KeyVault, type KeyVaultStatus, plainFileVault } from '../sync/key-vault';
import { sealKey } from '../sync/sealed-key';
import { generateSseKey, keyFingerprint, readKeyFile, writeNewKeyFile } from '../sync/sse-key';
import { absoluteFromWindow } from './paths';

/** The wizard's SSE-C key commands; built by {@link createKeysService} over the app's vault. */
export interface KeysService {
  /** A new key at `path`: sealed with the OS keychain where there is one, else a plain 0600 file. */
  generate(path: string): Promise<KeyFileInfo>;
  /** An existing key file (plain or sealed) and how it is stored. */
  inspect(path: string): Promise<KeyFileInfo>;
  /** A sealed copy of a plain key file at `<path>.sealed`; the original is left alone (it is the user's backup). */
  seal(path: string): Promise<KeyFileInfo>;
  /**
   * A plain 0600 copy of a key (sealed or not) at `to`, for a backup or the CLI. `confirmPlainCopy`
   * runs before a sealed key is written in the clear, and stops the export by throwing.
   */
  export(path: string, to: string, confirmPlainCopy?: () => Promise<void>): Promise<KeyFileInfo>;
}

/**
 * SSE-C key files for the wizard. Only paths, fingerprints and how a key is stored leave
 * main; the bytes stay in files (0600) and in this process. Nothing is ever overwritten:
 * a key that replaced another would make the data encrypted with the old one unreadable.
 */
export function createKeysService(vault: KeyVault = plainFileVault()): KeysService {
  // Asked once per operation: the keychain's answer can change between operations, not within one.
  const describe = (path: string, fingerprint: string, sealed: boolean, status: KeyVaultStatus): KeyFileInfo => ({
    path,
    fingerprint,
    storage: sealed ? 'os-keychain' : 'file',
    canSeal: status.kind === 'os-keychain',
    ...(status.note ? { note: status.note } : {}),
  });
  const newFile = async (path: string, what: string) => {
    const file = absoluteFromWindow(path, what);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    return file;
  };
  return {
    async generate(path) {
      const file = await newFile(path, 'key file');
      const status = await vault.status();
      const sealed = status.kind === 'os-keychain';
      const fingerprint = await generateSseKey(file, sealed ? vault : undefined);
      return describe(file, fingerprint, sealed, status);
    },
    async inspect(path) {
      const file = absoluteFromWindow(path, 'key file');
      const { bytes, sealed } = await readKeyFile(file, vault);
      return describe(file, keyFingerprint(bytes), sealed, await vault.status());
    },
    async seal(path) {
      const file = absoluteFromWindow(path, 'key file');
      const status = await vault.status();
      if (status.kind !== 'os-keychain') {
        throw new TypedError('UNAVAILABLE', 'There is no OS keychain here to seal the key with.', {
          fix:
            status.note ??
            'Keep the key file as it is (mode 0600); the desktop app seals keys where the OS keychain is available.',
        });
      }
      const { bytes, sealed } = await readKeyFile(file, vault);
      if (sealed) throw new TypedError('CONFLICT', `${file} is already sealed with the OS keychain.`);
      const copy = `${file}.sealed`;
      await writeNewKeyFile(copy, await sealKey(bytes, vault));
      return describe(copy, keyFingerprint(bytes), true, status);
    },
    async export(path, to, confirmPlainCopy) {
      const from = absoluteFromWindow(path, 'key file');
      const { bytes, sealed } = await readKeyFile(from, vault);
      if (sealed && confirmPlainCopy) await confirmPlainCopy();
      const file = await newFile(to, 'export');
      await writeNewKeyFile(file, bytes);
      return describe(file, keyFingerprint(bytes), false, await vault.status());
    },
  };
}
