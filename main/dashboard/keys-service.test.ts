import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { plainFileVault } from '../sync/key-vault';
import { SEALED_KEY_MAGIC } from '../sync/sealed-key';
import { keyFingerprint, loadSseKey } from '../sync/sse-key';
import { fakeKeyVault } from '../sync/testing/fake-key-vault';
import { createKeysService } from './keys-service';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-keys-'));
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const sealed = async (path: string) =>
  (await readFile(path)).subarray(0, SEALED_KEY_MAGIC.length).toString('latin1') === SEALED_KEY_MAGIC;

describe('the keys service with an OS keychain', () => {
  const vault = fakeKeyVault();
  const keys = createKeysService(vault);

  it('generates a sealed 0600 key file in a 0700 folder it creates', async () => {
    const path = join(dir, 'new', 'train.key');
    const info = await keys.generate(path);
    expect(info).toEqual({
      path,
      fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      storage: 'os-keychain',
      canSeal: true,
    });
    expect(await sealed(path)).toBe(true);
    expect(await mode(path)).toBe(0o600);
    expect(await mode(join(dir, 'new'))).toBe(0o700);
    expect((await loadSseKey(path, vault)).fingerprint).toBe(info.fingerprint);
  });

  it('inspects sealed and plain files alike, saying how each is stored', async () => {
    const generated = await keys.generate(join(dir, 'sealed.key'));
    const raw = randomBytes(32);
    await writeFile(join(dir, 'plain.key'), raw, { mode: 0o600 });
    expect(await keys.inspect(join(dir, 'sealed.key'))).toMatchObject({
      fingerprint: generated.fingerprint,
      storage: 'os-keychain',
    });
    expect(await keys.inspect(join(dir, 'plain.key'))).toMatchObject({
      fingerprint: keyFingerprint(raw),
      storage: 'file',
      canSeal: true,
    });
  });

  it('exports a plain 0600 copy with the same fingerprint, which the CLI (no keychain) reads', async () => {
    const generated = await keys.generate(join(dir, 'k.key'));
    const to = join(dir, 'backup', 'k.backup');
    const exported = await keys.export(join(dir, 'k.key'), to);
    expect(exported).toMatchObject({ path: to, fingerprint: generated.fingerprint, storage: 'file' });
    expect(await mode(to)).toBe(0o600);
    expect((await readFile(to)).length).toBe(32);
    expect((await loadSseKey(to)).fingerprint).toBe(generated.fingerprint);
  });

  it('seals a copy of a plain key next to it and leaves the original alone', async () => {
    const raw = randomBytes(32);
    const original = join(dir, 'mine.key');
    await writeFile(original, raw, { mode: 0o600 });
    const copy = await keys.seal(original);
    expect(copy).toMatchObject({
      path: `${original}.sealed`,
      fingerprint: keyFingerprint(raw),
      storage: 'os-keychain',
    });
    expect(await sealed(copy.path)).toBe(true);
    expect(await mode(copy.path)).toBe(0o600);
    expect(await readFile(original)).toEqual(raw);
    await expect(keys.seal(copy.path)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('never overwrites: not on generate, export or seal', async () => {
    const existing = join(dir, 'taken');
    await writeFile(existing, 'precious');
    await keys.generate(join(dir, 'k.key'));
    await expect(keys.generate(existing)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(keys.export(join(dir, 'k.key'), existing)).rejects.toMatchObject({ code: 'CONFLICT' });
    await writeFile(join(dir, 'p.key'), randomBytes(32));
    await writeFile(join(dir, 'p.key.sealed'), 'precious');
    await expect(keys.seal(join(dir, 'p.key'))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await readFile(existing, 'utf8')).toBe('precious');
    expect(await readFile(join(dir, 'p.key.sealed'), 'utf8')).toBe('precious');
  });

  it('refuses relative paths from the window', async () => {
    await expect(keys.generate('keys/k.key')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('must be absolute'),
    });
    await expect(keys.export(join(dir, 'k.key'), 'backup.key')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('the keys service without a keychain (browser host, or Linux without a keyring)', () => {
  const keys = createKeysService(plainFileVault('No OS keyring was found.'));

  it('generates a plain 0600 key file and says why it is not sealed', async () => {
    const path = join(dir, 'k.key');
    const info = await keys.generate(path);
    expect(info).toMatchObject({ storage: 'file', canSeal: false, note: 'No OS keyring was found.' });
    expect((await readFile(path)).length).toBe(32);
    expect(keyFingerprint(await readFile(path))).toBe(info.fingerprint);
    expect(await mode(path)).toBe(0o600);
  });

  it('cannot seal, and cannot open a key sealed elsewhere (the error says to export it)', async () => {
    const raw = join(dir, 'k.key');
    await keys.generate(raw);
    await expect(keys.seal(raw)).rejects.toMatchObject({ code: 'UNAVAILABLE', fix: 'No OS keyring was found.' });
    const sealedPath = (await createKeysService(fakeKeyVault()).generate(join(dir, 's.key'))).path;
    const error = await rejection(keys.inspect(sealedPath));
    expect(error.fix).toContain('Export key');
  });

  it('has no note by default (the browser host keeps files by design)', async () => {
    expect(await createKeysService().generate(join(dir, 'b.key'))).toEqual({
      path: join(dir, 'b.key'),
      fingerprint: expect.any(String),
      storage: 'file',
      canSeal: false,
    });
  });
});
