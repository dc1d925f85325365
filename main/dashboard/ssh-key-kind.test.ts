import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { checkFiles } from './check-files';
import { privateKeyProblem, sshKeyKind } from './ssh-key-kind';

const dir = mkdtempSync(join(tmpdir(), 'traindeck-key-kind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real key pair from ssh-keygen, in the format asked for. */
function keygen(name: string, type: string, extra: string[] = []): { privateKey: string; publicKey: string } {
  const file = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'test', '-f', file, ...extra]);
  return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8') };
}

describe('sshKeyKind: which file the user chose, from its first bytes', () => {
  it('tells the private key from its .pub for every key type ssh-keygen makes', () => {
    for (const type of ['ed25519', 'rsa', 'ecdsa']) {
      const { privateKey, publicKey } = keygen(`id_${type}`, type);
      expect(sshKeyKind(privateKey), type).toBe('openssh-private');
      expect(sshKeyKind(publicKey), `${type}.pub`).toBe('public');
      expect(privateKeyProblem(sshKeyKind(publicKey))).toMatch(/^is a public key: choose the private key file/);
    }
  });

  it('accepts PEM private keys (ssh-keygen -m PEM) and refuses PuTTY, RFC 4716 public and random files', () => {
    expect(sshKeyKind(keygen('id_pem', 'rsa', ['-m', 'PEM']).privateKey)).toBe('pem-private');
    expect(sshKeyKind('-----BEGIN PRIVATE KEY-----\nMC4CAQ…')).toBe('pem-private');
    expect(sshKeyKind('PuTTY-User-Key-File-3: ssh-ed25519\n')).toBe('putty');
    expect(sshKeyKind('---- BEGIN SSH2 PUBLIC KEY ----\n')).toBe('public');
    expect(sshKeyKind('no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 me@host')).toBe('public');
    expect(sshKeyKind('not a real key\n')).toBe('other');
    expect(sshKeyKind('')).toBe('other');
    expect(privateKeyProblem('other')).toMatch(/not an OpenSSH private key/);
    expect(privateKeyProblem('pem-private')).toBeUndefined();
  });
});

describe('checkFiles: a deploy key must be a private key', () => {
  it('refuses the .pub (which passed before: it exists and is readable) and accepts the private key', async () => {
    keygen('deploy', 'ed25519');
    const [pub, key, plain] = await checkFiles(
      [join(dir, 'deploy.pub'), join(dir, 'deploy'), join(dir, 'deploy.pub')],
      ['ssh-private-key', 'ssh-private-key', 'file'],
    );
    expect(pub).toMatchObject({ ok: false, problem: expect.stringMatching(/^is a public key/) });
    expect(key).toMatchObject({ ok: true });
    expect(plain).toMatchObject({ ok: true });
  });
});
