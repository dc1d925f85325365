import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ObjectStore } from '../../aws/ports/object-store';
import { createRunFixture, type RunFixture } from './testing/run-fixture';

let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('verifysync');
}, 120_000);
afterAll(() => f?.cleanup());

const MODEL = 'runs/test/models/model.pkl';

/** The desktop's S3 view with the model never listed: every verification finds it missing. */
const withoutModel = (): ObjectStore =>
  Object.create(f.fx.store, {
    list: {
      value: async (prefix: string, signal?: AbortSignal) =>
        (await f.fx.store.list(prefix, signal)).filter((o) => o.key !== MODEL),
    },
  }) as ObjectStore;

describe('sync verification from the desktop', () => {
  it('catches an object deleted from S3 behind our back and makes the executor push again', async () => {
    let deleted = false;
    // The desktop's first listing happens after the executor's push: delete the model just before it.
    const store: ObjectStore = Object.create(f.fx.store, {
      list: {
        value: async (prefix: string, signal?: AbortSignal) => {
          if (!deleted) {
            deleted = true;
            await f.fx.client.send(new DeleteObjectCommand({ Bucket: f.fx.bucket, Key: MODEL }));
          }
          return f.fx.store.list(prefix, signal);
        },
      },
    });
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
      f.sshHost(),
      { store },
    );
    expect(deleted).toBe(true);
    expect(run.result.outcome).toBe('succeeded');
    expect(run.snapshot.phases['verifying-sync']).toMatchObject({ status: 'succeeded', detail: { rePushes: 1 } });
    expect(run.events.some((e) => e.type === 'log' && e.line.includes(`${MODEL} (missing)`))).toBe(true);
    expect(await f.fx.keys()).toContain(MODEL);
  });

  it('still different after the bounded re-pushes: alert, keep the machine for a bounded time, then tear down', async () => {
    // S3 as this desktop sees it never shows the model: every re-push "fails".
    const store = withoutModel();
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
      f.sshHost(),
      { store, maxRePushes: 1, keepOnVerifyFailureMs: 300 },
    );
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases['verifying-sync']).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('after 1 re-push'),
    });
    // The monitor names the folder that differs.
    const pushed = Object.fromEntries((run.snapshot.sync?.push ?? []).map((s) => [s.folder, s.verified]));
    expect(pushed).toMatchObject({ models: { ok: false, mismatches: 1 }, logs: { ok: true, mismatches: 0 } });
    expect(run.events.some((e) => e.type === 'log' && e.line.startsWith('keeping the machine'))).toBe(true);
    expect(run.snapshot.phases['tearing-down'].status).toBe('succeeded');
  });

  it('a re-push over real SSH refuses an executor.mjs the training code rewrote, and sends it no secret', async () => {
    // The training command appends to the executor it runs beside (cwd is WORK/repo); S3 then misses the model.
    const store = withoutModel();
    const run = await f.run(
      f.config((raw) => {
        raw.training.env = { EPOCHS: '1' };
        raw.training.command = "./train.sh && printf '\\n// rewritten\\n' >> ../executor.mjs";
      }),
      f.sshHost(),
      { store, maxRePushes: 1, keepOnVerifyFailureMs: 1 },
    );
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases['verifying-sync']).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/is not the executor TrainDeck uploaded .*no secrets were sent/),
    });
    expect(run.events.some((e) => e.type === 'log' && e.line.startsWith('pushing again'))).toBe(true);
  });
});
