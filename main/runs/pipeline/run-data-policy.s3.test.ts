import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ExecutorEvent } from '../../../shared/executor/protocol';
import type { RemoteHost } from '../../host/remote-host';
import type { RunObserver, TrainingPaths } from './run-observer';
import { createRunFixture, type RunFixture } from './testing/run-fixture';
import { PARQUET_BYTES } from './testing/training-repo';

// Issue 11 in a real run (sshd + git over SSH + Ceph RGW): newest-wins outcomes, per-run logs, foreign datasets.
let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('datapolicy');
}, 120_000);
afterAll(() => f?.cleanup());

const HOUR = 3_600_000;
const failedPhases = (run: Awaited<ReturnType<RunFixture['run']>>) =>
  JSON.stringify(run.events.filter((e) => e.type === 'phase' && e.status === 'failed'));

async function objectText(key: string): Promise<string> {
  const out = await f.fx.client.send(new GetObjectCommand({ Bucket: f.fx.bucket, Key: key, ...f.fx.key.params() }));
  return out.Body!.transformToString();
}

describe('checkpoints in a run (newest-wins)', () => {
  it('an equal-mtime conflict keeps both and a newer S3 copy is kept: the sync verification passes without re-pushes', async () => {
    const tie = Math.floor((Date.now() - 2 * HOUR) / 1000) * 1000;
    await f.fx.seed('runs/test/checkpoints/epoch-1.ckpt', 'epoch 1 from another machine', tie);
    await f.fx.seed('runs/test/checkpoints/epoch-2.ckpt', 'epoch 2, newer, from another machine', Date.now() + HOUR);
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '2', CKPT_MTIME: String(tie / 1000) })),
      f.sshHost(),
    );
    expect(run.result.outcome, failedPhases(run)).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync'].detail).toMatchObject({ rePushes: 0 });
    // Both copies of the tie are in S3; the newer S3 copy was not overwritten.
    expect(await objectText('runs/test/checkpoints/epoch-1.ckpt')).toBe('epoch 1 from another machine');
    const copies = (await f.fx.keys()).filter((k) => k.startsWith('runs/test/checkpoints/epoch-1.conflict-'));
    expect(copies).toHaveLength(1);
    expect(await objectText(copies[0]!)).toBe('checkpoint of epoch 1\n');
    expect(await objectText('runs/test/checkpoints/epoch-2.ckpt')).toBe('epoch 2, newer, from another machine');
    const infos = run.events.flatMap((e) => (e.type === 'log' && e.source === 'info' ? [e.line] : []));
    expect(infos.some((l) => l.includes('epoch-2.ckpt: S3 kept a newer copy'))).toBe(true);
    expect(infos.some((l) => l.includes('epoch-1.ckpt: conflict'))).toBe(true);
  });
});

/** What the monitor sees: the paths it is given, and the train.log it reads there at the end. */
function monitorProbe(): { observer: RunObserver; seen: { paths?: TrainingPaths; trainLog?: string | undefined } } {
  const seen: { paths?: TrainingPaths; trainLog?: string | undefined } = {};
  let host: RemoteHost | undefined;
  return {
    seen,
    observer: {
      trainingStarted: (_runId, h, paths) => ((host = h), (seen.paths = paths)),
      reconnected: (_runId, h) => (host = h),
      ended: async () => {
        if (host && seen.paths) seen.trainLog = (await host.read(seen.paths.trainLog, 0, 1 << 20))?.toString('utf8');
      },
    },
  };
}

describe('logs of a run (per run id)', () => {
  it("two runs on one prefix keep separate logs; the second replays none of the first's lines; S3's executor.jsonl ends with done", async () => {
    const config = f.config((raw) => (raw.training.env = { EPOCHS: '1' }));
    const first = await f.run(config, f.sshHost());
    expect(first.result.outcome, failedPhases(first)).toBe('succeeded');
    const firstId = first.snapshot.runId;
    const firstLog = `runs/test/logs/${firstId}/train.log`;
    const firstLogText = await objectText(firstLog);

    const probe = monitorProbe();
    const second = await f.run(config, f.sshHost(), { observer: probe.observer });
    expect(second.result.outcome, failedPhases(second)).toBe('succeeded');
    const secondId = second.snapshot.runId;

    // The run's log stream and the monitor's file hold exactly this run's 4 training lines.
    expect(second.trainLines.filter((l) => / line \d+ /.test(l))).toHaveLength(4);
    expect(probe.seen.paths?.trainLog).toMatch(new RegExp(`/data/logs/${secondId}/train\\.log$`));
    expect(probe.seen.paths?.metricsJsonl).toMatch(new RegExp(`/data/logs/${secondId}/metrics\\.jsonl$`));
    expect(probe.seen.trainLog?.split('\n').filter((l) => / line \d+ /.test(l))).toHaveLength(4);

    // Each run's logs in S3 under its own id; the first run's are untouched by the second.
    const keys = await f.fx.keys();
    for (const id of [firstId, secondId]) {
      for (const file of ['train.log', 'metrics.jsonl', 'executor.jsonl']) {
        expect(keys).toContain(`runs/test/logs/${id}/${file}`);
      }
    }
    expect(await objectText(firstLog)).toBe(firstLogText);
    // Nothing is written to the shared logs/ folder itself any more.
    expect(keys.filter((k) => /^runs\/test\/logs\/[^/]+$/.test(k))).toEqual([]);

    // The S3 copy of the executor's events holds the run's end.
    const events = (await objectText(`runs/test/logs/${secondId}/executor.jsonl`))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ExecutorEvent);
    expect(events.at(-1)).toMatchObject({ phase: 'done', status: 'succeeded' });
    expect(events.some((e) => e.phase === 'pushing' && e.status === 'succeeded')).toBe(true);
    expect(second.snapshot.phases['verifying-sync'].detail).toMatchObject({ rePushes: 0 });
  });
});

describe('datasets written by another tool', () => {
  it('a run with a dataset uploaded without TrainDeck metadata (as awscli + SSE-C leaves it) succeeds and verifies it', async () => {
    await f.fx.client.send(
      new PutObjectCommand({
        Bucket: f.fx.bucket,
        Key: 'runs/test/cached-datasets/train.parquet',
        Body: PARQUET_BYTES,
        ...f.fx.key.params(),
      }),
    );
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
      f.sshHost(),
    );
    expect(run.result.outcome, failedPhases(run)).toBe('succeeded');
    expect(run.snapshot.phases.verifying.status).toBe('succeeded');
    expect(run.trainLines.some((l) => l.endsWith('dataset bytes: 2056'))).toBe(true);
  });
});
