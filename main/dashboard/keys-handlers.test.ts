import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeEach, describe, expect, it } from 'vitest';

import type { KeyFileInfo } from '../../shared/domain/account';
import type { PreflightReport } from '../../shared/domain/preflight';
import { createCore } from '../composition/create-core';
import { silentLogger } from '../core/logger';
import type { KeyVault } from '../sync/key-vault';
import { fakeKeyVault } from '../sync/testing/fake-key-vault';
import { yesTrustGate } from '../trust/testing/yes-trust-gate';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-key-handlers-'));
});

const core = (keyVault?: KeyVault) =>
  createCore({
    trust: yesTrustGate(),
    transport: 'web',
    isTrusted: () => true,
    log: silentLogger,
    projectRoot: dir,
    env: { TRAINDECK_DATA_DIR: join(dir, 'data'), TRAINDECK_FAKE_AWS: '1' },
    ...(keyVault ? { keyVault } : {}),
  });
// TRAINDECK_FAKE_AWS: preflight answers from the in-memory account, never from AWS.
const sender = { transport: 'in-process' } as const;

describe('the key commands over the router', () => {
  it('generate, inspect and export in the desktop app: sealed, then a plain backup; only paths, fingerprints and storage travel', async () => {
    const { router } = core(fakeKeyVault());
    const path = join(dir, 'k.key');
    const generated = await router.handle('keys.generate', { path }, sender);
    expect(generated).toEqual({
      ok: true,
      value: { path, fingerprint: expect.stringMatching(/^sha256:/), storage: 'os-keychain', canSeal: true },
    });
    expect(await router.handle('keys.inspect', { path }, sender)).toEqual(generated);
    const to = join(dir, 'backup.key');
    const exported = await router.handle('keys.export', { path, to }, sender);
    expect(exported).toMatchObject({
      ok: true,
      value: {
        path: to,
        storage: 'file',
        fingerprint: generated.ok ? (generated.value as KeyFileInfo).fingerprint : '',
      },
    });
    // The response carries no form of the key.
    const raw = await readFile(to);
    for (const result of [generated, exported]) {
      expect(JSON.stringify(result)).not.toContain(raw.toString('base64'));
      expect(JSON.stringify(result)).not.toContain(raw.toString('hex'));
    }
    expect(await router.handle('keys.export', { path, to }, sender)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('the browser host (no vault) keeps plain key files and cannot seal', async () => {
    const { router } = core();
    const path = join(dir, 'k.key');
    expect(await router.handle('keys.generate', { path }, sender)).toMatchObject({
      ok: true,
      value: { storage: 'file', canSeal: false },
    });
    expect((await readFile(path)).length).toBe(32);
    expect(await router.handle('keys.seal', { path }, sender)).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
  });

  it('preflight in the desktop app opens the sealed key it generated', async () => {
    const { router } = core(fakeKeyVault());
    const path = join(dir, 'k.key');
    await router.handle('keys.generate', { path }, sender);
    const config = {
      version: 1,
      aws: { region: 'eu-west-1' },
      storage: { bucket: 'td-data', sseKeyFile: path },
      compute: { instanceType: 'g5.xlarge', ttlMinutes: 60 },
    };
    const result = await router.handle('preflight.run', { config }, sender);
    expect(result.ok).toBe(true);
    const check = result.ok ? (result.value as PreflightReport).checks.find((c) => c.id === 'sse-key') : undefined;
    expect(check).toMatchObject({ status: 'pass', value: expect.stringContaining('32-byte key') });
  });
});
