import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { noticeFromRunEvent } from '../../monitor/run-event-notices';
import { createRunFixture, listFiles, type RunFixture } from './testing/run-fixture';
import { PARQUET_BYTES } from './testing/training-repo';

let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('pipeline');
}, 120_000);
afterAll(() => f?.cleanup());

const phaseStatuses = (snapshot: { phases: Record<string, { status: string }> }) =>
  Object.fromEntries(Object.entries(snapshot.phases).map(([k, v]) => [k, v.status]));

describe('run pipeline on a real SSH host (sshd + git over SSH + Ceph RGW)', () => {
  it('success: checkout with the deploy key, override, pull + verify, train, push, verified sync; secrets never in args or on disk', async () => {
    const secrets = [f.fx.keyBytes.toString('base64'), readFileSync(f.deployKeyFile, 'utf8').split('\n')[1]!];
    let argsChecked = false;
    const run = await f.run(f.config(), f.sshHost(), {
      onEvent: (event) => {
        if (argsChecked || event.type !== 'log' || event.source !== 'train') return;
        argsChecked = true;
        // While training runs: no process on this machine has a secret in its arguments.
        for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
          const cmdline = (() => {
            try {
              return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
            } catch {
              return '';
            }
          })();
          for (const secret of secrets) expect(cmdline.includes(secret), `pid ${pid}`).toBe(false);
        }
      },
    });
    expect(argsChecked).toBe(true);
    // Nothing in the run's work folder (the instance's disk) holds a secret.
    for (const file of listFiles(join(f.dir, 'remote-work'))) {
      const text = readFileSync(file, 'latin1');
      for (const secret of secrets) expect(text.includes(secret), file).toBe(false);
    }
    expect(
      run.result.outcome,
      JSON.stringify(run.events.filter((e) => e.type === 'phase' && e.status === 'failed')),
    ).toBe('succeeded');
    expect(phaseStatuses(run.snapshot)).toEqual({
      preflight: 'succeeded',
      provisioning: 'succeeded',
      connecting: 'succeeded',
      bootstrapping: 'succeeded',
      checkout: 'succeeded',
      pulling: 'succeeded',
      verifying: 'succeeded',
      training: 'succeeded',
      pushing: 'succeeded',
      'verifying-sync': 'succeeded',
      'tearing-down': 'succeeded',
    });
    expect(run.trainLines.some((l) => l.endsWith('override: lr=0.1'))).toBe(true);
    expect(run.trainLines.some((l) => l.endsWith('dataset bytes: 2056'))).toBe(true);
    expect(run.trainLines.filter((l) => / line \d+ /.test(l))).toHaveLength(12);
    expect(run.result.exitCode).toBe(0);
    const keys = await f.fx.keys();
    for (const key of [
      'models/model.pkl',
      'models/model.json',
      'checkpoints/epoch-3.ckpt',
      `logs/${run.snapshot.runId}/train.log`,
      `logs/${run.snapshot.runId}/metrics.jsonl`,
      `logs/${run.snapshot.runId}/executor.jsonl`,
    ]) {
      expect(keys).toContain(`runs/test/${key}`);
    }
    expect(run.snapshot.phases['verifying-sync'].detail).toMatchObject({ rePushes: 0 });
    // Executor phases carry the time the executor wrote them, not the time a poll read a batch of them.
    const executorLog = listFiles(join(f.dir, 'remote-work')).find((file) =>
      file.endsWith(`${run.snapshot.runId}/executor.jsonl`),
    )!;
    const written = readFileSync(executorLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { phase: string; status: string; at: string })
      .filter((e) => e.phase === 'training' && e.status !== 'info');
    const shown = run.events.filter((e) => e.type === 'phase' && e.phase === 'training');
    expect(shown.map((e) => e.at)).toEqual(written.map((e) => e.at));
    // The training's last line arrives before "training succeeded".
    const lastLine = run.events.findLastIndex((e) => e.type === 'log' && e.source === 'train');
    const trained = run.events.findIndex(
      (e) => e.type === 'phase' && e.phase === 'training' && e.status === 'succeeded',
    );
    expect(lastLine).toBeLessThan(trained);

    // Per-folder sync figures of the pull and the push, each with its verification.
    const byFolder = (direction: 'pull' | 'push') =>
      Object.fromEntries((run.snapshot.sync?.[direction] ?? []).map((s) => [s.folder, s]));
    const pulled = byFolder('pull');
    expect(Object.keys(pulled)).toEqual(['cached_datasets', 'logs', 'models', 'checkpoints']);
    expect(pulled.cached_datasets).toMatchObject({
      policy: 'pull-only',
      filesDone: 1,
      filesTotal: 1,
      bytesDone: PARQUET_BYTES.length,
      bytesTotal: PARQUET_BYTES.length,
      state: 'done',
      failures: 0,
      verified: { ok: true, checked: 1, mismatches: 0 },
    });
    expect(pulled.models).toMatchObject({ filesDone: 0, filesTotal: 0, state: 'done' });
    const pushed = byFolder('push');
    expect(Object.keys(pushed)).toEqual(['logs', 'models', 'checkpoints']);
    expect(pushed.logs).toMatchObject({
      policy: 'local-wins',
      filesDone: 3,
      filesTotal: 3,
      state: 'done',
      failures: 0,
      verified: { ok: true, checked: 3, mismatches: 0 },
    });
    expect(pushed.models).toMatchObject({
      filesDone: 2,
      filesTotal: 2,
      state: 'done',
      verified: { ok: true, checked: 2, mismatches: 0 },
    });
    expect(pushed.checkpoints).toMatchObject({
      policy: 'newest-wins',
      filesDone: 3,
      filesTotal: 3,
      state: 'done',
      verified: { ok: true, checked: 3, mismatches: 0 },
    });
    expect(pushed.models!.bytesDone).toBeGreaterThan(0);
    expect(pushed.models!.bytesPerSecond).toBeGreaterThan(0);
    // Throttled at the source: a few lines per direction, not one per progress tick.
    expect(run.events.filter((e) => e.type === 'sync').length).toBeLessThanOrEqual(8);
  });

  it('training fails midway: push still happens, the run is failed with the exit code', async () => {
    const run = await f.run(
      f.config((raw) => (raw.training.env = { TRAIN_MODE: 'fail' })),
      f.sshHost(),
    );
    expect(run.result.outcome).toBe('failed');
    expect(run.result.exitCode).toBe(3);
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      reason: 'training exited with code 3',
      detail: { exitCode: 3, durationMs: expect.any(Number) },
    });
    // The monitor turns the same event into its "training finished" notification.
    const trainingEnd = run.events.find((e) => e.type === 'phase' && e.phase === 'training' && e.status === 'failed')!;
    expect(noticeFromRunEvent(trainingEnd)).toMatchObject({ kind: 'training-finished', exitCode: 3 });
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
    expect(run.trainLines.some((l) => l.includes('[stderr] boom: failing on purpose'))).toBe(true);
  });

  it('training killed by SIGKILL (what the OOM killer does): push still happens, the reason says so', async () => {
    const run = await f.run(
      f.config((raw) => (raw.training.env = { TRAIN_MODE: 'oom' })),
      f.sshHost(),
    );
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases.training).toMatchObject({
      status: 'failed',
      reason: 'training was killed by SIGKILL',
      fix: expect.stringContaining('out-of-memory'),
    });
    expect(run.snapshot.phases.pushing.status).toBe('succeeded');
    expect(await f.fx.keys()).toContain('runs/test/checkpoints/epoch-2.ckpt');
  });
});
