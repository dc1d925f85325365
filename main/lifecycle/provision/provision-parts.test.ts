import { execFile } from 'node:child_process';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { parseHostKeyFingerprints } from './host-keys';
import { instancePolicyDocument } from './instance-policy';
import { generateSshKeyPair, writePrivateKey } from './ssh-key';

describe('the SSH key pair', () => {
  it('is an OpenSSH ed25519 key that ssh-keygen reads, written 0600 and never overwritten', async () => {
    const keys = generateSshKeyPair('traindeck-test');
    expect(keys.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=* traindeck-test$/);
    const dir = await mkdtemp(join(tmpdir(), 'traindeck-key-'));
    const path = join(dir, 'id_ed25519');
    await writePrivateKey(path, keys.privateKeyPem);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(writePrivateKey(path, keys.privateKeyPem)).rejects.toThrow(/EEXIST/);
    const derived = await promisify(execFile)('ssh-keygen', ['-y', '-f', path]).catch((error: unknown) => ({
      stdout: `ssh-keygen unavailable: ${String(error)}`,
    }));
    if (!derived.stdout.startsWith('ssh-keygen unavailable')) expect(derived.stdout.trim()).toBe(keys.publicKey);
  });
});

describe('the instance policy', () => {
  it('grants the run prefix only', () => {
    const policy = JSON.parse(instancePolicyDocument('td-data', 'team/demo')) as {
      Statement: Array<{ Resource: string }>;
    };
    expect(policy.Statement.map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::td-data',
      'arn:aws:s3:::td-data/team/demo/*',
      'arn:aws:s3:::td-data/team/demo/*',
    ]);
  });
});

describe('host key fingerprints from the console', () => {
  it('reads the block cloud-init prints, and nothing else', () => {
    const output =
      'noise SHA256:notthis\n-----BEGIN SSH HOST KEY FINGERPRINTS-----\n256 SHA256:AbC+/1 root@h (ECDSA)\n256 SHA256:XyZ2 root@h (ED25519)\n-----END SSH HOST KEY FINGERPRINTS-----\n';
    expect(parseHostKeyFingerprints(output)).toEqual(['SHA256:AbC+/1', 'SHA256:XyZ2']);
    expect(parseHostKeyFingerprints('booting…')).toEqual([]);
  });
});
