import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateKey, type Sshd, startSshd } from '../../e2e/services/sshd';
import { isConnectionLost } from '../host/remote-host';
import { type ConnectPolicy, connectWithBackoff, type SshTarget } from './ssh-connect';
import { sshRemoteHost } from './ssh-remote-host';
import { type SshFault, type SshFaultServer, startSshFaultServer } from './testing/ssh-fault-server';

// Invariant: whatever the server does, a connect settles within its limit (policy.totalMs) with
// a reason that names what happened: never a hang (in the CLI: exit code 13, an unsettled await).
const POLICY: ConnectPolicy = { attempts: 3, firstDelayMs: 50, maxDelayMs: 100, readyTimeoutMs: 1_500, totalMs: 4_000 };
// Past its limit plus this slack, a connect counts as hung.
const SLACK_MS = 5_000;

let dir: string;
let sshd: Sshd;
let privateKey: Buffer;
let server: SshFaultServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-ssh-faults-'));
  const key = generateKey(dir, 'user_key');
  privateKey = readFileSync(key.privateKeyFile);
  sshd = await startSshd({ authorizedKeys: key.publicKey });
  server = await startSshFaultServer('no-banner');
}, 30_000);
afterAll(async () => {
  await server?.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const target = (): SshTarget => ({ host: server.host, port: server.port, username: sshd.user, privateKey });

/** The connect's outcome, or 'hang' when it has not settled by the watchdog. */
async function connectUnder(fault: SshFault, policy = POLICY, signal?: AbortSignal) {
  server.setFault(fault);
  const before = server.connections;
  let watchdog: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    connectWithBackoff(target(), { expected: [sshd.hostKeyFingerprint] }, policy, signal).then(
      (client) => ({ client }),
      (error: unknown) => ({ error: error as Error & { code?: string; fix?: string } }),
    ),
    new Promise<'hang'>((resolve) => (watchdog = setTimeout(() => resolve('hang'), policy.totalMs! + SLACK_MS))),
  ]);
  clearTimeout(watchdog);
  return { outcome, tries: server.connections - before };
}

describe('SSH connect under server faults (fault server on loopback)', () => {
  const cases: Array<[SshFault, RegExp]> = [
    ['close-after-banner', /closed the connection after its SSH banner, before the handshake finished/],
    ['stall-after-banner', /sent its SSH banner, then the handshake stalled \(no key exchange within [\d.]+ s\)/],
    ['reset-mid-handshake', /reset the connection during the SSH handshake/],
    ['no-banner', /accepted the connection but sent no SSH banner within [\d.]+ s/],
    ['close-before-banner', /accepted the connection and closed it without sending an SSH banner/],
  ];
  for (const [fault, reason] of cases) {
    it(`${String(fault)}: fails within the limit with UNAVAILABLE naming it, after every try`, async () => {
      const { outcome, tries } = await connectUnder(fault);
      expect(outcome).not.toBe('hang');
      expect(outcome).toMatchObject({
        error: { code: 'UNAVAILABLE', message: expect.stringMatching(reason), fix: expect.stringContaining('sshd') },
      });
      expect((outcome as { error: Error }).error.message).toMatch(/^SSH to .* did not answer (after|within)/);
      expect((outcome as { error: Error }).error.message).not.toMatch(/\.\./);
      // Every failure was retried (a stall may use up the limit before the last try).
      expect(tries).toBeGreaterThanOrEqual(2);
    });
  }

  it('a stall bounded by the whole connect limit, not attempts × (handshake limit + backoff)', async () => {
    const policy = { attempts: 50, firstDelayMs: 50, maxDelayMs: 50, readyTimeoutMs: 1_500, totalMs: 2_500 };
    const { outcome, tries } = await connectUnder('stall-after-banner', policy);
    expect(outcome).toMatchObject({
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/did not answer within the 2\.5 s connect limit/) },
    });
    expect(tries).toBe(2);
  });

  it('cancel during a stalled handshake settles at once and leaves no abort listener', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 300);
    const policy = { ...POLICY, attempts: 10, readyTimeoutMs: 60_000, totalMs: 60_000 };
    const { outcome } = await connectUnder('stall-after-banner', policy, controller.signal);
    expect(outcome).toMatchObject({ error: { message: 'cancelled by the user' } });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('many retries on one long-lived signal leave no abort listener behind', async () => {
    const controller = new AbortController();
    const policy = { attempts: 12, firstDelayMs: 1, maxDelayMs: 1, readyTimeoutMs: 1_000, totalMs: 10_000 };
    const { outcome, tries } = await connectUnder('close-before-banner', policy, controller.signal);
    expect(outcome).toMatchObject({ error: { message: expect.stringContaining('after 12 attempts') } });
    expect(tries).toBe(12);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a slow link (every chunk 150 ms late) still connects within a wider handshake limit and runs a command', async () => {
    // Wide limits: about ten round trips of 300 ms, on a machine that may be busy.
    const policy = { ...POLICY, readyTimeoutMs: 25_000, totalMs: 25_000 };
    const { outcome } = await connectUnder({ kind: 'relay', upstreamPort: sshd.port, delayMs: 150 }, policy);
    expect(outcome).toHaveProperty('client');
    const host = sshRemoteHost((outcome as { client: Parameters<typeof sshRemoteHost>[0] }).client);
    try {
      expect(await host.exec('echo slow-ok', { timeoutMs: 10_000 })).toMatchObject({ code: 0, stdout: 'slow-ok\n' });
    } finally {
      await host.close();
    }
  }, 40_000);

  it('a link slower than the handshake limit fails with the stage it stalled at', async () => {
    const { outcome } = await connectUnder({ kind: 'relay', upstreamPort: sshd.port, delayMs: 2_000 });
    expect(outcome).toMatchObject({
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/sent no SSH banner within [\d.]+ s/) },
    });
  });

  it('dropped mid-session: the command, an SFTP read and later calls fail with ConnectionLost, none hangs', async () => {
    const { outcome } = await connectUnder({ kind: 'relay', upstreamPort: sshd.port });
    const host = sshRemoteHost((outcome as { client: Parameters<typeof sshRemoteHost>[0] }).client);
    expect(await host.read('/etc/hostname', 0, 64)).toBeInstanceOf(Buffer);
    const running = host.exec('sleep 30', { timeoutMs: 60_000 }).then(
      () => 'settled without error',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.cutAll();
    expect(isConnectionLost(await running)).toBe(true);
    expect(isConnectionLost(await host.read('/etc/hostname', 0, 64).catch((e: unknown) => e))).toBe(true);
    expect(isConnectionLost(await host.exec('true').catch((e: unknown) => e))).toBe(true);
    await host.close();
  });
});
