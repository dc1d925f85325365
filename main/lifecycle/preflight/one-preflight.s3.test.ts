import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { generateKey, type Sshd, startSshd } from '../../../e2e/services/sshd';
import { type RunConfig, runConfigSchema } from '../../../shared/run-config/schema';
import { createSdkAwsPorts } from '../../aws/sdk/sdk-aws-ports';
import { systemClock } from '../../core/clock';
import type { RunEventBody } from '../../runs/pipeline/phase-tracker';
import { runPipeline, type SpecTemplate } from '../../runs/pipeline/run-pipeline';
import { createRunResources } from '../../runs/run-resources';
import type { StartRunRequest } from '../../runs/run-service';
import { createS3Fixture, type S3Fixture } from '../../sync/testing/s3-fixture';
import type { StoreCredentialsConfirm } from '../../trust/store-credential-consent';
import type { StoreCredentialsExposure } from '../../trust/trust-gate';
import { defaultLifecycleDeps } from '../lifecycle-deps';
import { preflightFor } from './host-preflight';

// A user with their own machine and an S3-compatible store: Ceph RGW serves S3, nothing serves STS.
let fx: S3Fixture;
let sshd: Sshd;
let dir: string;
let env: NodeJS.ProcessEnv;
let userKey: string;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  const s3 = inject('s3');
  dir = await mkdtemp(join(tmpdir(), 'traindeck-one-preflight-'));
  const user = generateKey(dir, 'user_key');
  userKey = user.privateKeyFile;
  sshd = await startSshd({ authorizedKeys: user.publicKey });
  fx = await createS3Fixture('preflight');
  await fx.seed('runs/test/cached-datasets/train.parquet', randomBytes(2048));
  await writeFile(join(dir, 'sse.key'), fx.keyBytes, { mode: 0o600 });
  await writeFile(join(dir, 'wrong.key'), randomBytes(32), { mode: 0o600 });
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    // No STS here: a name that never resolves, as on a network with only the S3 store.
    AWS_ENDPOINT_URL_STS: 'http://sts.traindeck-test.invalid',
  };
  // The SDK's credential chain and endpoint variables read the process environment.
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('AWS_')) continue;
    saved[name] = process.env[name];
    process.env[name] = value;
  }
}, 120_000);
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await sshd?.stop();
  await fx?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

function config(keyFile: string): RunConfig {
  return runConfigSchema.parse({
    version: 1,
    aws: { region: inject('s3').region },
    storage: { bucket: fx.bucket, prefix: 'runs/test', sseKeyFile: join(dir, keyFile) },
    code: { repoUrl: 'ssh://git@127.0.0.1:1/nothing.git', branch: 'main', deployKeyFile: userKey },
    training: { command: './train.sh' },
    sshHost: {
      address: `${sshd.user}@127.0.0.1:${sshd.port}`,
      identityFile: userKey,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    },
  });
}

const confirmed: StoreCredentialsExposure[] = [];
async function resourcesFor(
  keyFile: string,
  confirm: StoreCredentialsConfirm | 'nothing to ask with' = async (exposure) => void confirmed.push(exposure),
) {
  const cfg = config(keyFile);
  const request: StartRunRequest = { config: cfg, baseDir: dir, backend: 'ssh-host', host: cfg.sshHost! };
  return createRunResources({
    env,
    bundleDir: dir,
    lifecycle: () => defaultLifecycleDeps(env),
    ...(confirm === 'nothing to ask with' ? {} : { confirmStoreCredentials: confirm }),
  })(request, 'pf-1');
}

describe('one preflight for an ssh-host run with only S3 served (Ceph RGW + real sshd)', () => {
  it('no STS for the store: its own credentials go to the host only after a confirmation naming endpoint and key', async () => {
    const s3 = inject('s3');
    confirmed.length = 0;
    const { s3Credentials } = await resourcesFor('sse.key');
    expect(confirmed).toEqual([
      {
        runName: 'pf-1',
        destination: `${sshd.user}@127.0.0.1:${sshd.port}`,
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
      },
    ]);
    expect(s3Credentials?.accessKeyId).toBe(s3.accessKeyId);
    const refusal = new Error('refused in the dialog');
    await expect(resourcesFor('sse.key', () => Promise.reject(refusal))).rejects.toBe(refusal);
    await expect(resourcesFor('sse.key', 'nothing to ask with')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('passes, with STS as a warning that says it is not needed, and checks bucket, key, dataset, login and host key', async () => {
    const { store } = await resourcesFor('sse.key');
    const report = await preflightFor(
      {
        config: config('sse.key'),
        ports: createSdkAwsPorts({ region: inject('s3').region, env }),
        publicIp: { publicIpv4: async () => '127.0.0.1' },
        env,
        clock: systemClock,
        signal: AbortSignal.timeout(60_000),
        objectStore: store,
      },
      'ssh-host',
    );
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(report.ok).toBe(true);
    expect(byId.identity).toMatchObject({
      status: 'warn',
      value: expect.stringMatching(
        /^The STS endpoint http:\/\/sts\.traindeck-test\.invalid could not be found \(ENOTFOUND\).*; not needed: this run creates nothing in AWS/,
      ),
    });
    for (const id of ['bucket', 'sse-c', 'key-identity', 'dataset', 'ssh', 'host-key']) {
      expect(byId[id]?.status, `${id}: ${byId[id]?.value}`).toBe('pass');
    }
    expect(byId.dataset?.value).toMatch(/^cached_datasets: 1 object\(s\), 2\.0 KiB/);
  });

  it("the run's own preflight phase is that preflight: it passes and shows the warning", async () => {
    const { backend } = await resourcesFor('sse.key');
    const facts = await backend.preflight(AbortSignal.timeout(60_000));
    expect(facts).toMatchObject({
      pinned: true,
      warnings: [
        expect.stringMatching(/^Identity: .*not needed/),
        expect.stringMatching(
          /^Run credentials: the store at http:\/\/127\.0\.0\.1:\d+ has no STS, so its own key goes/,
        ),
      ],
    });
  });

  it('a wrong key fails in the preflight phase, before any connect: nothing after it runs', async () => {
    const { backend, store } = await resourcesFor('wrong.key');
    const events: RunEventBody[] = [];
    const result = await runPipeline({
      runId: 'pf-2',
      spec: {} as SpecTemplate,
      secrets: {} as never,
      uploads: [],
      backend,
      store,
      bundleDir: dir,
      emit: (event) => events.push(event),
      signal: new AbortController().signal,
    });
    expect(result.outcome).toBe('failed');
    const failed = events.find((e) => e.type === 'phase' && e.status === 'failed');
    expect(failed).toMatchObject({
      phase: 'preflight',
      reason: expect.stringMatching(
        /^Preflight failed: Key identity: s3:\/\/.* is written with another SSE-C key, not with yours/,
      ),
      fix: expect.stringContaining('storage.sseKeyFile'),
    });
    const phases = events.flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(phases).not.toContain('connecting');
    expect(phases).not.toContain('provisioning');
  });
});
