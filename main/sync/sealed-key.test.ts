import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { plainFileVault } from './key-vault';
import { isSealedKey, SEALED_KEY_MAGIC, sealKey } from './sealed-key';
import { keyFingerprint, loadSseKey } from './sse-key';
import { fakeKeyVault } from './testing/fake-key-vault';

let dir: string;
const key = randomBytes(32);
const vault = fakeKeyVault();
const secrets = [key.toString('base64'), key.toString('hex'), key.toString('latin1')];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-sealed-'));
  await writeFile(join(dir, 'sealed.key'), await sealKey(key, vault), { mode: 0o600 });
});

describe('sealed SSE-C key files', () => {
  it('starts with the magic and the fingerprint, and holds no form of the raw key', async () => {
    const raw = await readFile(join(dir, 'sealed.key'));
    expect(raw.subarray(0, SEALED_KEY_MAGIC.length).toString('latin1')).toBe(SEALED_KEY_MAGIC);
    expect(raw.toString('latin1')).toContain(`${keyFingerprint(key)}\n`);
    expect(isSealedKey(raw)).toBe(true);
    for (const secret of secrets) expect(raw.toString('latin1')).not.toContain(secret);
  });

  it("opens through the vault that sealed it, with the raw key's fingerprint", async () => {
    const before = vault.opened;
    const loaded = await loadSseKey(join(dir, 'sealed.key'), vault);
    expect(loaded.fingerprint).toBe(keyFingerprint(key));
    expect(loaded.params().SSECustomerKey).toBe(key.toString('base64'));
    expect(vault.opened).toBe(before + 1);
  });

  it('still reads plain key files when a keychain is there, without asking it', async () => {
    await writeFile(join(dir, 'plain.key'), key);
    const before = vault.opened;
    expect((await loadSseKey(join(dir, 'plain.key'), vault)).fingerprint).toBe(keyFingerprint(key));
    expect(vault.opened).toBe(before);
  });

  it('tells the CLI (no keychain) to export the key from the app', async () => {
    const error = await rejection(loadSseKey(join(dir, 'sealed.key')));
    expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(error.message).toContain("sealed with the desktop app's OS keychain");
    expect(error.message).toContain(keyFingerprint(key));
    expect(error.fix).toMatch(/Export key.*CLI/);
  });

  it('refuses a keychain that did not seal it (another computer or a reset keychain), pointing at the backup', async () => {
    const error = await rejection(loadSseKey(join(dir, 'sealed.key'), fakeKeyVault()));
    expect(error.message).toContain('cannot open it');
    expect(error.fix).toContain('Export key');
    for (const secret of secrets) expect(`${error.message} ${error.fix}`).not.toContain(secret);
  });

  it('refuses a key that opens to another fingerprint than the header says', async () => {
    const other = randomBytes(32);
    const forged = Buffer.concat([
      Buffer.from(`${SEALED_KEY_MAGIC}${keyFingerprint(key)}\n`, 'latin1'),
      await vault.seal(other),
    ]);
    await writeFile(join(dir, 'forged.key'), forged);
    expect((await rejection(loadSseKey(join(dir, 'forged.key'), vault))).message).toContain('cannot open it');
  });

  it('calls a damaged header damaged', async () => {
    await writeFile(join(dir, 'damaged.key'), `${SEALED_KEY_MAGIC}not a fingerprint`);
    expect((await rejection(loadSseKey(join(dir, 'damaged.key'), vault))).message).toContain('is damaged');
  });

  it('never takes a 32-byte raw key for a sealed one, even one that starts with the magic', () => {
    const unlucky = Buffer.concat([Buffer.from(SEALED_KEY_MAGIC, 'latin1'), randomBytes(32 - SEALED_KEY_MAGIC.length)]);
    expect(isSealedKey(unlucky)).toBe(false);
  });

  it('has a plain vault that reports a file store with its note, and refuses to seal', async () => {
    const plain = plainFileVault('no keyring');
    expect(await plain.status()).toEqual({ kind: 'file', note: 'no keyring' });
    await expect(plain.seal(key)).rejects.toThrow(/no OS keychain/);
  });
});

describe('a keychain that rotated its key (safeStorage shouldReEncrypt)', () => {
  it('re-seals the file with the new key, keeping the same key and a private file', async () => {
    const rotating = fakeKeyVault();
    const file = join(dir, 'rotated.key');
    await writeFile(file, await sealKey(key, rotating), { mode: 0o600 });
    const before = await readFile(file);
    rotating.rotate();
    expect((await loadSseKey(file, rotating)).fingerprint).toBe(keyFingerprint(key));
    const after = await readFile(file);
    expect(after.equals(before)).toBe(false);
    expect(isSealedKey(after)).toBe(true);
    expect((await stat(file)).mode & 0o077).toBe(0);
    // Sealed with the new key now: opening it asks for nothing more.
    expect(await rotating.open(after.subarray(after.indexOf(0x0a, SEALED_KEY_MAGIC.length) + 1))).toMatchObject({
      reseal: false,
    });
  });

  it('leaves a file that needs no re-sealing untouched', async () => {
    const file = join(dir, 'steady.key');
    await writeFile(file, await sealKey(key, vault), { mode: 0o600 });
    const before = await readFile(file);
    await loadSseKey(file, vault);
    expect((await readFile(file)).equals(before)).toBe(true);
  });
});
