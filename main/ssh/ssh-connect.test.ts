import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort, generateKey } from '../../e2e/services/sshd';
import { checkHostKey, hostKeyFingerprint } from './host-key';
import { connectWithBackoff } from './ssh-connect';

const dir = mkdtempSync(join(tmpdir(), 'traindeck-ssh-connect-'));
const privateKey = readFileSync(generateKey(dir, 'user_key').privateKeyFile);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SSH connect', () => {
  it('gives up after the bounded attempts with UNAVAILABLE and a fix', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connectWithBackoff(
      { host: '127.0.0.1', port, username: 'x', privateKey },
      { expected: [] },
      { attempts: 3, firstDelayMs: 50, maxDelayMs: 100, readyTimeoutMs: 1000 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('did not answer after 3 attempts'),
      fix: expect.stringContaining('sshd'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops waiting at once when cancelled', async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 100);
    await expect(
      connectWithBackoff(
        { host: '127.0.0.1', port, username: 'x', privateKey },
        { expected: [] },
        { attempts: 50, firstDelayMs: 1000, maxDelayMs: 1000, readyTimeoutMs: 1000 },
        controller.signal,
      ),
    ).rejects.toThrow('cancelled by the user');
  });

  it('a private key ssh2 cannot parse fails at once with INVALID_REQUEST and a fix, never retried', async () => {
    const port = await freePort();
    await expect(
      connectWithBackoff(
        { host: '127.0.0.1', port, username: 'x', privateKey: 'not a key' },
        { expected: [] },
        { attempts: 50, firstDelayMs: 1000, maxDelayMs: 1000, readyTimeoutMs: 1000 },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^The SSH private key cannot be used: .*[^.]\.$/),
      fix: expect.stringContaining('ssh-keygen'),
    });
  });

  it('pins at first sight, then accepts only that key', () => {
    const seen: string[] = [];
    const pin = { expected: [] as string[], onFirstSight: (fp: string) => seen.push(fp) };
    const a = hostKeyFingerprint(Buffer.from('key-a'));
    expect(a).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(checkHostKey(pin, a)).toEqual({ accept: true, firstSight: true });
    expect(checkHostKey(pin, a)).toEqual({ accept: true, firstSight: false });
    expect(checkHostKey(pin, hostKeyFingerprint(Buffer.from('key-b')))).toEqual({ accept: false, firstSight: false });
    expect(seen).toEqual([a]);
  });
});
