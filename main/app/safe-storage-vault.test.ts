import { describe, expect, it, vi } from 'vitest';

import type { StandInOptions } from './testing/electron-stand-in';

// A stand-in, not Electron (see ./testing/electron-stand-in); each test sets how it behaves.
const behaviour = vi.hoisted(() => ({ options: {} as Record<string, unknown> }));
vi.mock('electron', async () => {
  const { createElectronStandIn } = await import('./testing/electron-stand-in');
  // A Proxy so each test's options apply to the safeStorage it calls.
  return {
    safeStorage: new Proxy(
      {},
      {
        get: (_target, key) =>
          (createElectronStandIn(behaviour.options as StandInOptions).electron.safeStorage as Record<string, unknown>)[
            key as string
          ],
      },
    ),
  };
});
const { linuxKeyringStatus, safeStorageVault } = await import('./safe-storage-vault');

const use = (options: StandInOptions) => (behaviour.options = options as Record<string, unknown>);

describe('the keyring verdict on Linux', () => {
  it('trusts a real encryption over the backend name', () => {
    expect(linuxKeyringStatus('basic_text', { ok: true, sealed: Buffer.from('v11…') })).toEqual({
      kind: 'os-keychain',
    });
    expect(linuxKeyringStatus('gnome_libsecret', { ok: true, sealed: Buffer.from('v10…') })).toMatchObject({
      kind: 'file',
    });
  });

  it('keeps a plain file where only the hard-coded password seals, or encryption fails', () => {
    expect(linuxKeyringStatus('basic_text', { ok: true, sealed: Buffer.from('v10…') }).note).toMatch(/No OS keyring/);
    expect(linuxKeyringStatus('kwallet5', { ok: false }).note).toMatch(/not available right now/);
  });
});

describe('the safeStorage vault (stand-in electron)', () => {
  it('seals on Linux when the name says basic_text but the async API found a keyring', async () => {
    use({ storageBackend: 'basic_text', sealTag: 'v11' });
    expect(await safeStorageVault('linux').status()).toEqual({ kind: 'os-keychain' });
  });

  it('keeps a plain file when the encryption really used the hard-coded password', async () => {
    use({ storageBackend: 'basic_text', sealTag: 'v10' });
    expect((await safeStorageVault('linux').status()).kind).toBe('file');
  });

  it('asks again after a failed encryption (a keyring unlocked later counts)', async () => {
    const vault = safeStorageVault('linux');
    use({ storageBackend: 'gnome_libsecret', encryptionWorks: false });
    expect((await vault.status()).kind).toBe('file');
    use({ storageBackend: 'gnome_libsecret', encryptionWorks: true });
    expect((await vault.status()).kind).toBe('os-keychain');
  });

  it("passes safeStorage's shouldReEncrypt on as reseal", async () => {
    use({ shouldReEncrypt: true });
    const vault = safeStorageVault('darwin');
    const sealed = await vault.seal(Buffer.alloc(32, 7));
    expect(await vault.open(sealed)).toEqual({ bytes: Buffer.alloc(32, 7), reseal: true });
    use({ shouldReEncrypt: false });
    expect((await vault.open(sealed)).reseal).toBe(false);
  });
});
