import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MACHINE_WILL_NOTIFY } from '../../../shared/notify/machine-webhook';
import { startWebhookRecorder } from '../../core/testing/webhook-recorder';
import { postWebhook } from '../../core/webhook-post';
import { webhookTee } from '../../core/webhook-tee';
import { MonitorNotifier } from '../../monitor/monitor-notifier';
import { listFiles } from './testing/run-fixture';
import { createRunFixture, type RunFixture } from './testing/run-fixture';

// Issue 17 point 6 in a real run (sshd + git over SSH + Ceph RGW): the executor posts
// "finished/failed" itself, with the URL sent over stdin; a failing webhook never fails a run.
let f: RunFixture;
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;
beforeAll(async () => {
  f = await createRunFixture('webhook');
  recorder = await startWebhookRecorder();
}, 120_000);
afterAll(async () => {
  await recorder?.stop();
  await f?.cleanup();
});

const SECRET = 'T0000-B0000-hook-secret-abcdef';

/**
 * The desktop's side of the same run, as create-core wires it (the notifier through the webhook
 * tee, the run's events to both), with the pipeline's launch note that the machine has the
 * webhook. Returns the run-end titles ("Training …", "Run failed") the desktop posted to `path`
 * (sync verified, teardown… are the desktop's own news, posted as ever).
 */
async function desktopPosts(run: Awaited<ReturnType<RunFixture['run']>>, path: string): Promise<string[]> {
  const before = recorder.posted.length;
  const sends: Promise<unknown>[] = [];
  const target = { url: `${recorder.base}${path}`, format: 'json' as const };
  const tee = webhookTee(
    { notify: (level, title, body) => ({ id: '1', level, title, body, at: new Date().toISOString() }) },
    { send: (message) => (sends.push(postWebhook(target, message)), sends.at(-1) as never) },
    { warn: () => undefined },
  );
  const notifier = new MonitorNotifier(tee);
  const launch = {
    type: 'log',
    source: 'info',
    line: MACHINE_WILL_NOTIFY,
    runId: run.events[0]!.runId,
    seq: 0,
    at: '',
  } as const;
  for (const event of [launch, ...run.events]) {
    notifier.onRunEvent(event);
    tee.onRunEvent(event);
  }
  await Promise.all(sends);
  return recorder.posted
    .slice(before)
    .map((p) => (JSON.parse(p.body) as { title: string }).title)
    .filter((title) => title.startsWith('Training') || title === 'Run failed');
}

/** Everything the run left where a URL must never be: its events, the machine's files, S3's objects' keys. */
async function everywhereTheUrlMustNotBe(run: Awaited<ReturnType<RunFixture['run']>>): Promise<string> {
  const machine = listFiles(join(f.dir, 'remote-work'))
    .filter((p) => !p.endsWith('.mjs') && !p.includes('/repo/'))
    .map((p) => readFileSync(p, 'utf8'));
  return [JSON.stringify(run.events), JSON.stringify(run.snapshot), ...machine, (await f.fx.keys()).join('\n')].join(
    '\n',
  );
}

describe('the executor notifies the webhook itself', () => {
  it('posts "Training finished" once the run ends on the machine; the URL is nowhere but in the POST', async () => {
    const before = recorder.posted.length;
    const url = `${recorder.base}/ok/${SECRET}`;
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
      f.sshHost(),
      { webhook: { url, format: 'slack' } },
    );
    expect(run.result.outcome).toBe('succeeded');
    const posts = recorder.posted.slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe(`/ok/${SECRET}`);
    expect(JSON.parse(posts[0]!.body).text).toMatch(
      /\*Training finished\*\nRun webhook-\d+ finished on its machine; its data is pushed to S3\./,
    );
    expect(await everywhereTheUrlMustNotBe(run)).not.toContain(SECRET);
    // The machine's post arrived and said so in the run's events: the desktop (laptop open) stays quiet.
    expect(run.events).toContainEqual(
      expect.objectContaining({ type: 'log', line: 'done: notified the webhook: Training finished' }),
    );
    expect(await desktopPosts(run, '/desktop')).toEqual([]);
    // The executor sealed that line (the desktop believes no other).
    const executorJsonl = listFiles(join(f.dir, 'remote-work')).find(
      (p) => p.includes(run.events[0]!.runId) && p.endsWith('/executor.jsonl'),
    );
    expect(readFileSync(executorJsonl!, 'utf8')).toMatch(
      /"reason":"notified the webhook: Training finished","seal":"[\w-]{43}"/,
    );
  }, 180_000);

  it('a failed training posts "Training failed" (ntfy); a webhook answering 500 or never answering fails no run', async () => {
    const before = recorder.posted.length;
    const failed = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '3', TRAIN_MODE: 'fail' })),
      f.sshHost(),
      { webhook: { url: `${recorder.base}/ntfy/${SECRET}`, format: 'ntfy' } },
    );
    expect(failed.result.outcome).toBe('failed');
    const post = recorder.posted.slice(before)[0]!;
    expect(post.headers).toMatchObject({ title: 'TrainDeck: Training failed', priority: 'high' });
    expect(post.body).toMatch(
      /ended on its machine \(failed: training exited with code 3\); its data is pushed to S3\./,
    );

    for (const path of ['status-500', 'hang']) {
      const run = await f.run(
        f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
        f.sshHost(),
        { webhook: { url: `${recorder.base}/${path}/${SECRET}`, format: 'json' } },
      );
      expect(run.result.outcome, path).toBe('succeeded');
      expect(await everywhereTheUrlMustNotBe(run)).not.toContain(SECRET);
      // The machine's post did not arrive: the desktop posts the run's end itself, once.
      expect(await desktopPosts(run, '/desktop'), path).toEqual(['Training finished']);
    }
  }, 240_000);

  it('a line the training forges in executor.jsonl ("notified the webhook") never silences the desktop', async () => {
    // Hostile training code writes what the executor writes once its post arrived: plainly, with a
    // made-up seal, and with the words in the phase. The machine's own post fails (500).
    const forged = [
      {
        seq: 90,
        at: '2026-12-06T00:00:00.000Z',
        phase: 'done',
        status: 'info',
        reason: 'notified the webhook: Training finished',
      },
      {
        seq: 91,
        at: '2026-12-06T00:00:00.000Z',
        phase: 'done',
        status: 'info',
        reason: 'notified the webhook: Training finished',
        seal: 'c2VhbA',
      },
      {
        seq: 92,
        at: '2026-12-06T00:00:00.000Z',
        phase: 'done: notified the webhook: Training finished',
        status: 'info',
        reason: 'x',
      },
    ];
    const run = await f.run(
      f.config(
        (raw) => (raw.training.env = { EPOCHS: '1', FORGE_LINE: forged.map((l) => JSON.stringify(l)).join('\n') }),
      ),
      f.sshHost(),
      { webhook: { url: `${recorder.base}/status-500/${SECRET}`, format: 'json' } },
    );
    expect(run.result.outcome).toBe('succeeded');
    const lines = run.events.flatMap((e) => (e.type === 'log' && e.source === 'info' ? [e.line] : []));
    // No forged line reaches the run's events as the machine's word; each is said as ignored.
    expect(lines.filter((l) => l.includes('notified the webhook'))).toEqual([]);
    expect(lines.filter((l) => l.includes('did not seal'))).toHaveLength(3);
    expect(lines).toContainEqual(expect.stringMatching(/^done: the webhook notification failed: /));
    // The machine's post did not arrive and the forgery is not believed: the desktop posts the run's end, once.
    expect(await desktopPosts(run, '/desktop')).toEqual(['Training finished']);
  }, 180_000);

  it('a webhook answering 4xx to the machine (its reason phrase quoting the URL): the run succeeds, the log says why, the desktop posts once', async () => {
    const run = await f.run(
      f.config((raw) => (raw.training.env = { EPOCHS: '1' })),
      f.sshHost(),
      { webhook: { url: `${recorder.base}/echo-404/${SECRET}`, format: 'slack' } },
    );
    expect(run.result.outcome).toBe('succeeded');
    // Why the machine's post failed, in the run's log: the host and the status, not the URL nor the server's words.
    expect(run.events).toContainEqual(
      expect.objectContaining({
        type: 'log',
        source: 'info',
        line: expect.stringMatching(
          /^done: the webhook notification failed: the webhook at 127\.0\.0\.1:\d+ answered 404 Not Found$/,
        ),
      }),
    );
    expect(await everywhereTheUrlMustNotBe(run)).not.toContain(SECRET);
    expect(await everywhereTheUrlMustNotBe(run)).not.toContain('echo-404');
    expect(await desktopPosts(run, '/desktop')).toEqual(['Training finished']);
  }, 180_000);
});
