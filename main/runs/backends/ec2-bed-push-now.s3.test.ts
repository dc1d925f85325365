import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';

import type { RunEvent } from '../../../shared/domain/run';
import type { PushNowReport } from '../../../shared/executor/protocol';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { buildCli } from '../../cli/testing/build-cli';
import { fakeAwsCliEnv } from '../../cli/testing/fake-aws-cli-env';
import { systemClock } from '../../core/clock';
import { EventBus } from '../../core/event-bus';
import { silentLogger } from '../../core/logger';
import { createRunService } from '../create-run-service';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';

// Push during training (issue 17 point 5) end to end on the EC2 test bed: the run is the app's
// (the run service over the bed: SDK over HTTP, a real sshd per instance, Ceph RGW), and
// `traindeck push RUN` is another process (the built CLI), which reaches the machine from the
// run's journals alone. Invariants: the checkpoint reaches S3 encrypted with the run's SSE-C key;
// S3 never holds part of a file (a checkpoint still being written is skipped, then goes up whole
// once it settled); the training goes on undisturbed to its end; the age of the newest checkpoint
// in S3 is what the monitor (runs.newestCheckpoint) and the CLI report.

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-push-now.s3.test.ts skipped: ${refusal}.`);

const CHUNKS = 80;
const complete = Array.from({ length: CHUNKS }, (_, i) => `chunk-${String(i + 1).padStart(4, '0')}\n`).join('');
const RACING = 'runs/test/checkpoints/racing.ckpt';

let world: Ec2BedWorld;
let cli: string;
beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('ec2push');
  const project = join(world.f.dir, 'project');
  mkdirSync(project, { recursive: true });
  cli = await buildCli(project);
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  if (!refusal) await world?.close();
});

/** The environment of a terminal next to the app: its data folder, the S3 store, EC2 only over HTTP to the fake. */
const cliEnv = (dataDir: string) => fakeAwsCliEnv({ home: world.f.dir, dataDir, server: world.server });

/** `traindeck push RUN --json` in its own process, bounded (never spawnSync: the HTTP fake answers from this event loop). */
function push(
  dataDir: string,
  runId: string,
): Promise<{ code: number | null; report?: PushNowReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'push', runId, '--json'], { env: cliEnv(dataDir) });
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      resolve({ code, stderr, ...(line ? { report: JSON.parse(line) as PushNowReport } : {}) });
    });
  });
}

async function objectText(key: string): Promise<string | undefined> {
  const { fx } = world.f;
  try {
    const out = await fx.client.send(new GetObjectCommand({ Bucket: fx.bucket, Key: key, ...fx.key.params() }));
    return await out.Body!.transformToString();
  } catch {
    return undefined;
  }
}

/** Resolves once a training line ends with `text` (bounded). */
async function lineSeen(lines: string[], text: string, events: RunEvent[]): Promise<void> {
  const limit = Date.now() + 120_000;
  while (!lines.some((l) => l.endsWith(text))) {
    if (Date.now() > limit) throw new Error(`no training line "${text}" in time\n${story(events)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(refusal)('traindeck push RUN against an aws-ec2 run on the EC2 test bed', () => {
  it('from another process while it trains: SSE-C in S3, a file being written skipped then whole, training undisturbed, newest age reported', async () => {
    const { f, fake, bed } = world;
    const deps = world.deps('app');
    const events: RunEvent[] = [];
    const lines: string[] = [];
    const bus = new EventBus();
    bus.on('runs.event', (event) => {
      events.push(event);
      if (event.type === 'log' && event.source === 'train') lines.push(event.line);
    });
    // The app's own S3 view (verify, newest checkpoint) finds its store and keys as the SDK does: in its environment.
    const s3 = inject('s3');
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
    const service = createRunService({
      env: { ...cliEnv(deps.dataDir), ...deps.env },
      dataDir: deps.dataDir,
      bus,
      clock: systemClock,
      log: silentLogger,
      projectRoot: f.dir,
      bundleDir: f.bundleDir,
      lifecycle: deps,
    });
    const gate = join(f.dir, 'writer-gate');
    const config = world.config((raw) => {
      raw.training = {
        ...raw.training,
        command: './train.sh',
        env: {
          TRAIN_MODE: 'writer',
          EPOCHS: '1',
          WRITER_CHUNKS: String(CHUNKS),
          AFTER_WRITER_SLEEP: '14',
          // The bed's instance is this machine: the writer waits half-way for the push below to end.
          WRITER_GATE: gate,
        },
      };
    });
    const { runId } = service.start({ config, baseDir: f.dir, backend: 'aws-ec2' });
    world.runIds.push(runId);

    // While racing.ckpt is being written (0.1 s a line): it is skipped, and S3 never holds part of it.
    await lineSeen(lines, 'writer started', events);
    const during = await push(deps.dataDir, runId);
    expect(during.code, during.stderr).toBe(0);
    expect(during.report).toMatchObject({ folders: ['checkpoints'], failures: [] });
    expect(
      lines.some((l) => l.endsWith('writer done')),
      'the push ran while the file was written',
    ).toBe(false);
    await writeFile(gate, '');
    expect(during.report!.skipped.find((s) => s.relPath === 'racing.ckpt')?.reason).toMatch(
      /being written|changed while uploading/,
    );
    const seen = await objectText(RACING);
    expect(seen === undefined || seen === complete, `S3 holds part of the file: ${seen?.length} bytes`).toBe(true);

    // Once the writer is done and its file settled (5 s), the next push takes it whole; the training still runs.
    await lineSeen(lines, 'writer done', events);
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const settled = await push(deps.dataDir, runId);
    expect(settled.code, settled.stderr).toBe(0);
    expect(settled.report).toMatchObject({ skipped: [], failures: [] });
    expect(settled.report!.uploaded).toBeGreaterThanOrEqual(1);
    expect(await objectText(RACING)).toBe(complete);
    expect(await objectText('runs/test/checkpoints/epoch-1.ckpt')).toBe('checkpoint of epoch 1\n');
    const head = await f.fx.client.send(
      new HeadObjectCommand({ Bucket: f.fx.bucket, Key: RACING, ...f.fx.key.params() }),
    );
    expect(head.SSECustomerAlgorithm).toBe('AES256');
    // Without the key S3 refuses to give it: it is stored under SSE-C, not in the clear.
    await expect(f.fx.client.send(new GetObjectCommand({ Bucket: f.fx.bucket, Key: RACING }))).rejects.toThrow();

    // The newest checkpoint in S3 and its age: what the CLI printed and what the monitor asks the app for.
    expect(settled.report!.newestCheckpoint?.key).toMatch(/^runs\/test\/checkpoints\//);
    const monitor = await service.newestCheckpoint(runId);
    expect(monitor?.key).toMatch(/^runs\/test\/checkpoints\//);
    const age = Date.now() - Date.parse(monitor!.at);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(5 * 60_000);
    expect(
      lines.some((l) => l.endsWith('training finished')),
      'still training when asked',
    ).toBe(false);

    // The training was not disturbed: one writer, to its end, then the final push, verify and teardown.
    const snapshot = await service.wait(runId);
    expect(snapshot.state, story(events)).toBe('succeeded');
    expect(lines.filter((l) => l.endsWith('writer started'))).toHaveLength(1);
    expect(lines.some((l) => l.endsWith('training finished'))).toBe(true);
    expect(snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(snapshot.phases['tearing-down'].detail).toMatchObject({ remainingHourlyUsd: 0 });
    expect(leftOfRun(fake, runId)).toEqual([]);
    expect(bed.instances().every((i) => !i.up)).toBe(true);
  }, 240_000);
});
