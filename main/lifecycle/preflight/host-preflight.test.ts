import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { freePort, generateKey, type Sshd, startSshd } from '../../../e2e/services/sshd';
import type { PreflightReport } from '../../../shared/domain/preflight';
import { type RunConfig, runConfigSchema } from '../../../shared/run-config/schema';
import { type FakeWorld, fakeWorld } from '../testing/fake-lifecycle';
import { preflightFor } from './host-preflight';
import { sshHostChecks } from './ssh-host-checks';

// The machine is a real sshd on 127.0.0.1; the account and bucket are the in-memory fake.
const GIB = 1024 ** 3;
let world: FakeWorld;
let sshd: Sshd;
let userKey: string;
beforeAll(async () => {
  world = await fakeWorld();
  const key = generateKey(world.dir, 'user_key');
  userKey = key.privateKeyFile;
  sshd = await startSshd({ authorizedKeys: key.publicKey });
});
afterAll(async () => {
  await sshd?.stop();
  await rm(world.dir, { recursive: true, force: true });
});

const onHost = (sshHost: Record<string, unknown>): RunConfig => {
  const { compute: _ec2, ...rest } = world.config;
  return runConfigSchema.parse({ ...rest, sshHost });
};
const run = (config: RunConfig, options: { backend?: 'ssh-host' | 'local'; env?: NodeJS.ProcessEnv } = {}) =>
  preflightFor(
    {
      config,
      ports: world.fake.ports(),
      publicIp: world.deps.publicIp,
      env: options.env ?? world.deps.env,
      clock: world.clock,
      signal: AbortSignal.timeout(30_000),
    },
    options.backend,
  );
const byId = (report: PreflightReport) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

describe('preflight of an ssh-host run', () => {
  it('checks the bucket and the machine instead of EC2, and shows an unpinned host key as a warning to compare', async () => {
    const report = await run(onHost({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey }));
    const checks = byId(report);
    expect(report.ok).toBe(true);
    expect(checks.ssh).toMatchObject({ status: 'pass', value: expect.stringMatching(/answers \(Linux /) });
    expect(checks['host-key']).toMatchObject({
      status: 'warn',
      value: expect.stringContaining(sshd.hostKeyFingerprint),
      fix: expect.stringContaining('ssh-keygen -lf'),
    });
    expect(checks['sse-c']).toMatchObject({ status: 'pass' });
    expect(checks.ttl?.value).toMatch(/machine stays on/);
    for (const ec2Only of ['instance-type', 'quota', 'ami', 'ssh-source']) expect(checks[ec2Only]).toBeUndefined();
  });

  it('passes a pinned key and refuses a different one before logging in', async () => {
    const pinned = byId(
      await run(
        onHost({
          address: `${sshd.user}@127.0.0.1:${sshd.port}`,
          identityFile: userKey,
          hostKeyFingerprint: sshd.hostKeyFingerprint,
        }),
      ),
    );
    expect(pinned['host-key']).toMatchObject({ status: 'pass', value: `${sshd.hostKeyFingerprint} (pinned)` });
    const other = `SHA256:${'A'.repeat(43)}`;
    const report = await run(
      onHost({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey, hostKeyFingerprint: other }),
    );
    expect(report.ok).toBe(false);
    expect(byId(report)['host-key']).toMatchObject({ status: 'fail', value: expect.stringContaining('changed') });
  });

  it('names an unreadable identity file and a machine that does not answer, each with a fix', async () => {
    const missing = byId(
      await run(onHost({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: join(world.dir, 'nope') })),
    );
    expect(missing.ssh).toMatchObject({
      status: 'fail',
      value: expect.stringContaining('no such file'),
      fix: expect.stringContaining('private key'),
    });
    const port = await freePort();
    const down = byId(await run(onHost({ address: `${sshd.user}@127.0.0.1:${port}`, identityFile: userKey })));
    expect(down.ssh).toMatchObject({
      status: 'fail',
      value: expect.stringContaining('cannot log in'),
      fix: expect.stringContaining('sshd runs'),
    });
    expect(down['host-key']).toMatchObject({ status: 'skipped' });
  });

  it('stops before any network call when the key file is bad', async () => {
    const config = onHost({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey });
    const report = await run({ ...config, storage: { ...config.storage, sseKeyFile: join(world.dir, 'missing.key') } });
    const checks = byId(report);
    expect(checks['sse-key']?.status).toBe('fail');
    expect(checks.ssh).toMatchObject({ status: 'skipped' });
    expect(checks.identity).toMatchObject({ status: 'skipped' });
  });

  it("disk room: `df` of the work folder's file system over the login (real sshd), the figures either way", async () => {
    const host = { address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey };
    // The work folder does not exist yet: its nearest existing parent's file system counts.
    const workRoot = `${world.dir}/not/yet/made`;
    const huge = await sshHostChecks(host, AbortSignal.timeout(30_000), {
      workRoot,
      figures: { pullBytes: 2 ** 50, needBytes: 2 ** 50 + GIB },
    });
    expect(huge.find((c) => c.id === 'disk')).toMatchObject({
      status: 'fail',
      value: expect.stringContaining(`free on the file system of ${workRoot}`),
      fix: expect.stringContaining('TRAINDECK_SSH_WORK_ROOT'),
    });
    const small = await sshHostChecks(host, AbortSignal.timeout(30_000), {
      workRoot,
      figures: { pullBytes: 1024, needBytes: 1024 * 1024 },
    });
    expect(small.find((c) => c.id === 'disk')).toMatchObject({
      status: 'pass',
      value: expect.stringMatching(/fit in the .* free/),
    });
  });
});

describe('what the machine of an ssh-host or local run will hold (run credentials)', () => {
  const address = () => ({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey });
  const withTraining = (config: RunConfig, maxRuntimeMinutes: number): RunConfig => ({
    ...config,
    training: { ...config.training!, maxRuntimeMinutes },
  });

  it('on AWS: short-lived credentials limited to the prefix for TTL + grace + push, never the own keys', async () => {
    const report = await run(withTraining(onHost(address()), 120));
    const prefix = world.config.storage.prefix;
    expect(byId(report).credentials).toMatchObject({
      status: 'pass',
      value: `short-lived GetFederationToken credentials limited to s3://${world.config.storage.bucket}/${prefix}/ for 2 h 31 min; your own keys stay here`,
    });
  });

  it('on AWS without a prefix: a warning that the credentials cover the whole bucket, with the fix', async () => {
    const base = withTraining(onHost(address()), 120);
    const report = await run({ ...base, storage: { ...base.storage, prefix: '' } });
    expect(byId(report).credentials).toMatchObject({
      status: 'warn',
      value: `short-lived GetFederationToken credentials for the whole bucket s3://${world.config.storage.bucket}/ (no prefix) for 2 h 31 min; the machine can read, overwrite and delete every object in it`,
      fix: expect.stringContaining('Set a prefix (Data → Prefix'),
    });
  });

  it('a run longer than STS gives fails before anything is sent, with the fix (also for a local run)', async () => {
    const config = withTraining(onHost(address()), 36 * 60);
    for (const backend of ['ssh-host', 'local'] as const) {
      const report = await run(config, { backend });
      expect(report.ok).toBe(false);
      expect(byId(report).credentials).toMatchObject({
        status: 'fail',
        value: expect.stringMatching(/^This run needs AWS credentials for 36 h 31 min .* at most 36 h 00 min$/),
        fix: expect.stringMatching(/^Lower training\.maxRuntimeMinutes by at least 31 min/),
      });
    }
  });

  it('an S3-compatible store: a warning that its own key goes as it is, after a confirmation', async () => {
    const report = await run(onHost(address()), {
      env: { ...world.deps.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7480' },
    });
    expect(byId(report).credentials).toMatchObject({
      status: 'warn',
      value: expect.stringContaining('the store at http://127.0.0.1:7480 has no STS, so its own key goes'),
    });
  });
});

// Invariant: the store's own key never goes to AWS. With an S3-compatible store and no STS named, AWS's STS is
// not asked who the key is (before, it was: the key went to sts.amazonaws.com, which answered "unknown key",
// read as "no valid credentials" wherever AWS was reachable; here it failed only for want of internet).
describe('identity of an ssh-host or local run with an S3-compatible store', () => {
  const S3_ONLY = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7480' };
  const identityOf = async (backend: 'ssh-host' | 'local', env: NodeJS.ProcessEnv) => {
    const ports = world.fake.ports();
    const whoAmI = vi.spyOn(ports.identity, 'whoAmI');
    const report = await preflightFor(
      {
        config: onHost({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey }),
        ports,
        publicIp: world.deps.publicIp,
        env: { ...world.deps.env, ...env },
        clock: world.clock,
        signal: AbortSignal.timeout(30_000),
      },
      backend,
    );
    return { asked: whoAmI.mock.calls.length, identity: byId(report).identity };
  };

  it("no STS named: AWS's STS is not asked, and the check says why it is not needed", async () => {
    for (const backend of ['ssh-host', 'local'] as const) {
      expect(await identityOf(backend, S3_ONLY)).toEqual({
        asked: 0,
        identity: {
          id: 'identity',
          label: 'Identity',
          status: 'warn',
          value:
            "Not asked: S3 is served at http://127.0.0.1:7480, not by AWS, and no STS endpoint is set, so the store's key is not sent to AWS; not needed: this run creates nothing in AWS, and the bucket is checked below",
          fix: 'Set AWS_ENDPOINT_URL_STS if this store has an STS of its own.',
        },
      });
    }
  });

  it('an STS named (its own variable or AWS_ENDPOINT_URL), or S3 on AWS: asked as before', async () => {
    for (const env of [
      { ...S3_ONLY, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:7481' },
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:7480' },
      {},
    ]) {
      expect((await identityOf('ssh-host', env)).asked, JSON.stringify(env)).toBe(1);
    }
  });
});

describe('a budget on a machine TrainDeck does not bill', () => {
  it('ssh-host and local: training.maxCostUsd is said to have no effect, with what limits the run instead', async () => {
    const base = onHost({ address: `${sshd.user}@127.0.0.1:${sshd.port}`, identityFile: userKey });
    const config = { ...base, training: { ...base.training!, maxCostUsd: 25 } };
    for (const backend of ['ssh-host', 'local'] as const) {
      expect(byId(await run(config, { backend })).budget).toEqual({
        id: 'budget',
        label: 'Budget',
        status: 'warn',
        value:
          'training.maxCostUsd ($25.00) has no effect here: this machine is not billed through TrainDeck, so the run has no cost to stop at',
        fix: 'Limit the run with training.maxRuntimeMinutes instead, or remove training.maxCostUsd.',
      });
      expect(byId(await run(base, { backend })).budget).toBeUndefined();
    }
  });
});
