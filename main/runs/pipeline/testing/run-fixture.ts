import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { inject } from 'vitest';

import { createGitRemote, deployKeyLine, type GitRemote } from '../../../../e2e/services/git-remote';
import { generateKey, type Sshd, startSshd } from '../../../../e2e/services/sshd';
import { applyRunEvent, emptyRunSnapshot, type RunEvent, type RunSnapshot } from '../../../../shared/domain/run';
import type { PowerOff } from '../../../../shared/executor/protocol';
import type { WebhookTarget } from '../../../../shared/notify/webhook';
import { type RunConfig, runConfigSchema } from '../../../../shared/run-config/schema';
import type { ObjectStore } from '../../../aws/ports/object-store';
import { buildExecutorBundle } from '../../../executor/testing/build-executor';
import { createS3Fixture, type S3Fixture } from '../../../sync/testing/s3-fixture';
import { createSshHostBackend } from '../../backends/ssh-host-backend';
import type { SpotWindowPricing } from '../attempt-log';
import type { ComputeBackend } from '../compute-backend';
import type { ReconnectPolicy } from '../follow-executor';
import { prepareRun } from '../prepare-run';
import type { RunControls } from '../push-now';
import type { PipelineResult } from '../run-ending';
import type { RunObserver } from '../run-observer';
import { runPipeline } from '../run-pipeline';
import type { Waker } from '../waker';
import { PARQUET_BYTES, TRAIN_MJS, TRAIN_SH } from './training-repo';

/** The raw (unvalidated) config a test may patch. */
export interface RawConfig {
  [section: string]: unknown;
  storage: Record<string, unknown>;
  code: Record<string, unknown>;
  training: Record<string, unknown>;
}

/** One pipeline run's outcome with every event and the folded snapshot. */
export interface RunRecord {
  result: PipelineResult;
  events: RunEvent[];
  snapshot: RunSnapshot;
  trainLines: string[];
}

/** Everything the run tests share: sshd, git remote, S3 bucket, bundle, keys. */
export interface RunFixture {
  fx: S3Fixture;
  sshd: Sshd;
  remote: GitRemote;
  dir: string;
  bundleDir: string;
  userKeyFile: string;
  deployKeyFile: string;
  /** A valid run config for this fixture; `patch` edits it before validation. */
  config(patch?: (raw: RawConfig) => void): RunConfig;
  sshHost(options?: { port?: number; pinned?: string[]; ttlSeconds?: number; powerOff?: PowerOff }): ComputeBackend;
  /** Runs the pipeline on `backend` (or the backend made for the run's id, e.g. aws-ec2's, which tags by it). */
  run(
    config: RunConfig,
    backend: ComputeBackend | ((runId: string) => ComputeBackend),
    options?: {
      signal?: AbortSignal;
      onEvent?: (event: RunEvent) => void;
      maxRePushes?: number;
      store?: ObjectStore;
      keepOnVerifyFailureMs?: number;
      observer?: RunObserver;
      imdsBase?: string;
      reconnect?: ReconnectPolicy;
      waker?: Waker;
      controls?: RunControls;
      webhook?: WebhookTarget;
      /** How a spot attempt is priced when it ends (the run service's: EC2's price history); absent: at most on-demand. */
      spotHistory?: SpotWindowPricing;
    },
  ): Promise<RunRecord>;
  cleanup(): Promise<void>;
}

/** Every file under `dir`, walked without following symlinks (the test repo links to /tmp on purpose). */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
  );
}

/** Starts the services once per test file; `train.mjs` (Node) joins the repo's `train.sh`. */
export async function createRunFixture(name: string): Promise<RunFixture> {
  const s3 = inject('s3');
  const dir = await mkdtemp(join(tmpdir(), `traindeck-run-${name}-`));
  const user = generateKey(dir, 'user_key');
  const deploy = generateKey(dir, 'deploy_key');
  const sshd = await startSshd({ authorizedKeys: [user.publicKey, deployKeyLine(deploy.publicKey)].join('\n') });
  const remote = createGitRemote({
    'train.sh': { executable: TRAIN_SH },
    'train.mjs': TRAIN_MJS,
    'README.md': 'tiny training repo\n',
    escape: { symlink: '/tmp' },
  });
  const fx = await createS3Fixture(name);
  await fx.seed('runs/test/cached-datasets/train.parquet', PARQUET_BYTES);
  await writeFile(join(dir, 'sse.key'), fx.keyBytes, { mode: 0o600 });
  await writeFile(join(dir, 'override.txt'), 'lr=0.1\n');
  const bundleDir = await buildExecutorBundle();
  const workRoot = join(dir, 'remote-work');
  let counter = 0;
  return {
    fx,
    sshd,
    remote,
    dir,
    bundleDir,
    userKeyFile: user.privateKeyFile,
    deployKeyFile: deploy.privateKeyFile,
    config(patch) {
      const raw: RawConfig = {
        version: 1,
        aws: { region: s3.region },
        storage: { bucket: fx.bucket, prefix: 'runs/test', sseKeyFile: join(dir, 'sse.key') },
        code: {
          repoUrl: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${remote.bareDir}`,
          branch: 'main',
          deployKeyFile: deploy.privateKeyFile,
          knownHosts: sshd.knownHostsLine,
          overrides: [{ source: join(dir, 'override.txt'), target: 'config/override.txt' }],
        },
        training: { command: './train.sh', env: {}, graceSeconds: 5, diskReserveMb: 0 },
      };
      patch?.(raw);
      return runConfigSchema.parse(raw);
    },
    sshHost(options = {}) {
      return createSshHostBackend({
        runId: `run-${++counter}-${Date.now()}`,
        target: {
          host: '127.0.0.1',
          port: options.port ?? sshd.port,
          username: sshd.user,
          privateKey: readFileSync(user.privateKeyFile),
        },
        identityFile: user.privateKeyFile,
        pinnedFingerprints: options.pinned ?? [sshd.hostKeyFingerprint],
        workRoot,
        ttlSeconds: options.ttlSeconds ?? 600,
        s3Endpoint: s3.endpoint,
        connectPolicy: { attempts: 3, firstDelayMs: 200, maxDelayMs: 1000, readyTimeoutMs: 5000 },
        ...(options.powerOff ? { powerOff: options.powerOff } : {}),
      });
    },
    async run(config, backend, options = {}) {
      // Unique across test files running at once (the RAM folder and S3 logs are named after it).
      const runId = `${name}-${++counter}`;
      const prepared = await prepareRun(runId, config, dir);
      const compute = typeof backend === 'function' ? backend(runId) : backend;
      if (options.imdsBase) prepared.spec.imdsBase = options.imdsBase;
      if (options.webhook) prepared.secrets.webhook = options.webhook;
      const events: RunEvent[] = [];
      let seq = 0;
      let snapshot = emptyRunSnapshot(runId, 'test', compute.kind, new Date().toISOString());
      const result = await runPipeline({
        runId,
        ...prepared,
        s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        backend: compute,
        store: options.store ?? fx.store,
        ...(options.keepOnVerifyFailureMs ? { keepOnVerifyFailureMs: options.keepOnVerifyFailureMs } : {}),
        ...(options.observer ? { observer: options.observer } : {}),
        ...(options.reconnect ? { reconnect: options.reconnect } : {}),
        ...(options.waker ? { waker: options.waker } : {}),
        ...(options.controls ? { controls: options.controls } : {}),
        ...(options.spotHistory ? { spotHistory: options.spotHistory } : {}),
        bundleDir,
        pollMs: 200,
        maxRePushes: options.maxRePushes ?? 2,
        signal: options.signal ?? new AbortController().signal,
        emit: (body) => {
          // As the run service stamps it: an executor phase keeps its own time.
          const event = { ...body, runId, seq: ++seq, at: body.at ?? new Date().toISOString() } as RunEvent;
          events.push(event);
          snapshot = applyRunEvent(snapshot, event);
          options.onEvent?.(event);
        },
      });
      const trainLines = events.flatMap((e) => (e.type === 'log' && e.source === 'train' ? [e.line] : []));
      return { result, events, snapshot, trainLines };
    },
    async cleanup() {
      await sshd.stop();
      remote.remove();
      await fx.cleanup();
      await rm(dir, { recursive: true, force: true });
      await rm(bundleDir, { recursive: true, force: true });
    },
  };
}
