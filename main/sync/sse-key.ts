import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { inspect } from 'node:util';

import { TypedError } from '../../shared/ipc/result';
import { keyFingerprint, SSE_KEY_BYTES } from './key-fingerprint';
import { type KeyVault, plainFileVault } from './key-vault';
import { isSealedKey, openSealedKey, sealKey } from './sealed-key';

export { keyFingerprint, SSE_KEY_BYTES };

/**
 * A customer-provided SSE-C key. The key itself is reachable only through `headers()`;
 * printing, logging or JSON-serialising the object shows the fingerprint alone.
 */
export class SseKey {
  readonly fingerprint: string;
  readonly #base64: string;
  readonly #md5: string;

  constructor(bytes: Buffer) {
    if (bytes.length !== SSE_KEY_BYTES) {
      throw new TypedError(
        'INVALID_REQUEST',
        `An SSE-C key has ${SSE_KEY_BYTES} bytes; this one has ${bytes.length}.`,
        { fix: 'Generate one with `traindeck key generate FILE`.' },
      );
    }
    this.#base64 = bytes.toString('base64');
    this.#md5 = createHash('md5').update(bytes).digest('base64');
    this.fingerprint = keyFingerprint(bytes);
  }

  /** The three SSE-C request parameters (AES256, key, key MD5) for the S3 adapter. */
  params(): { SSECustomerAlgorithm: 'AES256'; SSECustomerKey: string; SSECustomerKeyMD5: string } {
    return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: this.#base64, SSECustomerKeyMD5: this.#md5 };
  }

  toJSON(): { fingerprint: string } {
    return { fingerprint: this.fingerprint };
  }

  toString(): string {
    return `SseKey(${this.fingerprint})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Reads a key file: 32 raw bytes, the same as base64 (44 chars) or hex (64 chars) text, or
 * a key sealed with the desktop app's OS keychain (opened through `vault`; the default, the
 * CLI's, has no keychain and says how to export one). Every caller that needs the key goes
 * through here, so a sealed file works wherever the app passes its vault.
 * Errors say what was wrong with the file, never what is in it.
 */
export async function loadSseKey(file: string, vault: KeyVault = plainFileVault()): Promise<SseKey> {
  return new SseKey((await readKeyFile(file, vault)).bytes);
}

/** The raw 32 bytes of a key file and whether it was sealed, for the key service's copies; everything else uses {@link loadSseKey}. */
export async function readKeyFile(
  file: string,
  vault: KeyVault = plainFileVault(),
): Promise<{ bytes: Buffer; sealed: boolean }> {
  const info = await stat(file).catch(() => undefined);
  if (!info) {
    throw new TypedError('INVALID_REQUEST', `The SSE-C key file ${file} does not exist.`, {
      fix: 'Point storage.sseKeyFile at your key, or create one with `traindeck key generate FILE` (and keep a copy: losing the key loses the data).',
    });
  }
  if (!info.isFile()) {
    throw new TypedError(
      'INVALID_REQUEST',
      `The SSE-C key file ${file} is ${info.isDirectory() ? 'a folder' : 'not a file'}.`,
      {
        fix: 'Point storage.sseKeyFile at the key file itself (e.g. ~/.traindeck/keys/data.key), or create one with `traindeck key generate FILE`.',
      },
    );
  }
  const raw = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new TypedError(
      'INVALID_REQUEST',
      `Cannot read the SSE-C key file ${file} (${error.code ?? error.message}).`,
      { fix: 'Check its permissions.' },
    );
  });
  return isSealedKey(raw)
    ? { bytes: await openSealedKey(raw, file, vault), sealed: true }
    : { bytes: decodeKey(raw, file), sealed: false };
}

function decodeKey(raw: Buffer, file: string): Buffer {
  if (raw.length === SSE_KEY_BYTES) return raw;
  const text = raw.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  throw new TypedError(
    'INVALID_REQUEST',
    `The SSE-C key file ${file} does not hold a 32-byte key (it has ${raw.length} bytes; expected 32 raw bytes, 44 base64 or 64 hex characters).`,
    {
      fix: 'Generate one with `traindeck key generate FILE`.',
    },
  );
}

/**
 * Writes a new random key to `file` (mode 0600, never overwriting) and returns its fingerprint.
 * With `vault` the file holds the key sealed with it (the caller has checked `vault.status()`,
 * as for every seal); without, the raw 32 bytes.
 */
export async function generateSseKey(file: string, vault?: KeyVault): Promise<string> {
  const bytes = randomBytes(SSE_KEY_BYTES);
  await writeNewKeyFile(file, vault ? await sealKey(bytes, vault) : bytes);
  return keyFingerprint(bytes);
}

/** Creates `file` with `content`, mode 0600; an existing file is a CONFLICT (a key is never overwritten). */
export async function writeNewKeyFile(file: string, content: Buffer): Promise<void> {
  await writeFile(file, content, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') {
      throw new TypedError('CONFLICT', `${file} already exists; TrainDeck never overwrites a key.`, {
        fix: 'Choose another file name.',
      });
    }
    throw error;
  });
}
