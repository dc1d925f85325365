/**
 * The SSE-C key through the real `safeStorage`: keys.generate in the desktop app writes a
 * sealed key file (the TDKEY1 header, never the raw key), Export key writes the plain copy
 * with the same fingerprint, and the CLI's loader refuses the sealed file with the fix.
 * Where the OS has no keyring (Linux without GNOME Keyring or KWallet, e.g. CI under xvfb)
 * the app keeps a plain 0600 file and says why; each test checks the case it can see.
 * Needs `npm run build` and the Electron binary; without the binary the file is skipped.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { SEALED_KEY_MAGIC } from '../../main/sync/sealed-key';
import { keyFingerprint, loadSseKey } from '../../main/sync/sse-key';
import type { KeyFileInfo } from '../../shared/domain/account';
import { locateElectronForTests } from './electron-binary';
import { launchApp, type LaunchedApp } from './launch-app';

const electronBinary = locateElectronForTests();
// Print the skip reason once: Playwright loads this file in the runner (no TEST_WORKER_INDEX) and again in a worker.
if (!electronBinary.found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron e2e] sealed key skipped: ${electronBinary.reason}`);
}

test.describe('the SSE-C key in the desktop app', () => {
  test.skip(!electronBinary.found, electronBinary.found ? '' : electronBinary.reason);
  test.describe.configure({ mode: 'serial' });

  let launched: LaunchedApp | undefined;
  let dir = '';
  let generated: KeyFileInfo;
  const invoke = async (command: string, request: unknown) => {
    const result = await launched!.invoke(command, request);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    return result.value as KeyFileInfo;
  };

  test.beforeAll(async () => {
    if (!electronBinary.found) return;
    dir = mkdtempSync(path.join(os.tmpdir(), 'traindeck-electron-key-'));
    launched = await launchApp(electronBinary.executablePath, dir);
    generated = await invoke('keys.generate', { path: path.join(dir, 'keys', 'sealed.key') });
  });

  test.afterAll(async () => {
    await launched?.close();
  });

  test('keys.generate seals the key with the OS keychain: the file has the header, not the raw key', async () => {
    test.skip(
      generated.storage !== 'os-keychain',
      `no OS keychain on this machine: ${generated.note ?? 'safeStorage unavailable'}`,
    );
    const raw = readFileSync(generated.path);
    expect(raw.subarray(0, SEALED_KEY_MAGIC.length).toString('latin1')).toBe(SEALED_KEY_MAGIC);
    expect(raw.length).not.toBe(32);
    expect(statSync(generated.path).mode & 0o777).toBe(0o600);
    const copy = await invoke('keys.export', { path: generated.path, to: path.join(dir, 'backup.key') });
    const plain = readFileSync(copy.path);
    expect(plain.length).toBe(32);
    expect(keyFingerprint(plain)).toBe(generated.fingerprint);
    for (const form of [plain, Buffer.from(plain.toString('base64')), Buffer.from(plain.toString('hex'))]) {
      expect(raw.includes(form)).toBe(false);
    }
    // The CLI's loader (no keychain) refuses the sealed file and says how to export it.
    await expect(loadSseKey(generated.path)).rejects.toMatchObject({ fix: expect.stringContaining('Export key') });
    expect(await invoke('keys.inspect', { path: generated.path })).toEqual(generated);
  });

  test('without a keyring the key is a plain 0600 file, and the app says why', async () => {
    test.skip(generated.storage === 'os-keychain', 'this machine has an OS keychain: the sealed test covers it');
    expect(generated.note).toBeTruthy();
    expect(readFileSync(generated.path).length).toBe(32);
    expect(statSync(generated.path).mode & 0o777).toBe(0o600);
  });
});
