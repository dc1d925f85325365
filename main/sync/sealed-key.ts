import { TypedError } from '../../shared/ipc/result';
import { writeFileAtomic } from '../core/write-file-atomic';
import { keyFingerprint, SSE_KEY_BYTES } from './key-fingerprint';
import type { KeyVault, OpenedKey } from './key-vault';

/**
 * A sealed key file: `TDKEY1\n`, the raw key's fingerprint and `\n`, then the vault's sealed
 * bytes. The magic tells a sealed file from a plain one, which is exactly 32 raw bytes or
 * base64/hex text (neither starts with it; a 32-byte file is never taken for sealed). The
 * fingerprint lets the CLI name the key it cannot open, and proves the vault opened the right one.
 */
export const SEALED_KEY_MAGIC = 'TDKEY1\n';

const MAGIC = Buffer.from(SEALED_KEY_MAGIC, 'latin1');
const FINGERPRINT = /^sha256:[0-9a-f]{16}$/;

/** True when a key file's content is sealed (starts with the magic and is not a 32-byte raw key). */
export function isSealedKey(raw: Buffer): boolean {
  return raw.length !== SSE_KEY_BYTES && raw.subarray(0, MAGIC.length).equals(MAGIC);
}

/** The content of a sealed key file for `bytes`. */
export async function sealKey(bytes: Buffer, vault: KeyVault): Promise<Buffer> {
  return Buffer.concat([MAGIC, Buffer.from(`${keyFingerprint(bytes)}\n`, 'latin1'), await vault.seal(bytes)]);
}

/**
 * The raw key of a sealed key file. Errors name the file and the key's fingerprint, never
 * its bytes, and say how to get a usable copy: where there is no keychain (the CLI, the
 * browser host) export it from the app; where the keychain cannot open it, use the backup.
 */
export async function openSealedKey(raw: Buffer, file: string, vault: KeyVault): Promise<Buffer> {
  const { bytes, reseal } = await openSealed(raw, file, vault);
  // The keychain rotated its key: seal again with the new one (whole or not at all). A failed
  // rewrite leaves the old seal, which still opens; the next use tries again.
  if (reseal) {
    await sealKey(bytes, vault)
      .then(
        (content) => writeFileAtomic(file, content, { mode: 0o600 }),
        () => undefined,
      )
      .catch(() => undefined);
  }
  return bytes;
}

async function openSealed(raw: Buffer, file: string, vault: KeyVault): Promise<OpenedKey> {
  const newline = raw.indexOf(0x0a, MAGIC.length);
  const fingerprint = newline > 0 ? raw.subarray(MAGIC.length, newline).toString('latin1') : '';
  if (!FINGERPRINT.test(fingerprint)) {
    throw new TypedError('INVALID_REQUEST', `The SSE-C key file ${file} starts like a sealed key but is damaged.`, {
      fix: 'Use your exported copy of the key (Export key in the app).',
    });
  }
  const status = await vault.status();
  if (status.kind !== 'os-keychain') {
    throw new TypedError(
      'INVALID_REQUEST',
      `The SSE-C key file ${file} (key ${fingerprint}) is sealed with the desktop app's OS keychain; only TrainDeck on the computer and user account that sealed it can open it.`,
      {
        fix: "Export it from the app (Export key, in the launch wizard's Data step) and point storage.sseKeyFile at the exported copy to use it with the CLI.",
      },
    );
  }
  const opened = await vault.open(raw.subarray(newline + 1)).catch(() => undefined);
  if (!opened || opened.bytes.length !== SSE_KEY_BYTES || keyFingerprint(opened.bytes) !== fingerprint) {
    throw new TypedError(
      'INVALID_REQUEST',
      `The SSE-C key file ${file} (key ${fingerprint}) is sealed, but this computer's OS keychain cannot open it: it was sealed on another computer or user account, or the keychain was reset.`,
      {
        fix: 'Use the plain copy you exported (Export key) and point storage.sseKeyFile at it; losing the key loses the data.',
      },
    );
  }
  return opened;
}
