import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import {
  MACHINE_WILL_NOTIFY,
  machineNotDeliveredReason,
  machineNotifiedReason,
} from '../../shared/notify/machine-webhook';
import type { WebhookMessage, WebhookTarget } from '../../shared/notify/webhook';
import { startWebhookRecorder } from './testing/webhook-recorder';
import { postWebhook } from './webhook-post';
import { type RunEnd, webhookTee } from './webhook-tee';

// Issue 17 point 6: "finished/failed" comes from the machine and from the desktop; a user with the
// laptop open must hear a run's end once, and must still hear it when the machine's post failed
// or the machine never posted. Checked against a real HTTP endpoint on loopback (the recorder).
let recorder: Awaited<ReturnType<typeof startWebhookRecorder>>;
beforeAll(async () => (recorder = await startWebhookRecorder()));
afterAll(() => recorder.stop());

type Machine = 'delivered' | 'failed' | 'silent' | 'not-given';
type Step = 'desktop-training-end' | 'machine-line' | 'finished' | 'desktop-run-failed';

let runs = 0;
const at = '2026-12-06T01:00:00Z';
const info = (runId: string, line: string): RunEvent => ({ type: 'log', source: 'info', line, runId, seq: 0, at });

/**
 * One run's end through the tee, in the given order, with the machine's own post (to the same
 * recorder) when it was given the webhook and got to post. Returns the posts about this run.
 */
async function runEnd(machine: Machine, outcome: 'succeeded' | 'failed', order: Step[]): Promise<string[]> {
  const runId = `r${++runs}`;
  const path = `/ok/${runId}`;
  const desktop: WebhookTarget = { url: `${recorder.base}${path}`, format: 'json' };
  const machineTarget: WebhookTarget = {
    url: `${recorder.base}${machine === 'failed' ? '/status-500' : ''}${path}`,
    format: 'json',
  };
  const sends: Promise<unknown>[] = [];
  const tee = webhookTee(
    { notify: (level, title, body) => ({ id: '1', level, title, body, at }) },
    { send: (m: WebhookMessage) => (sends.push(postWebhook(desktop, m)), sends.at(-1) as never) },
    { warn: () => undefined },
  );
  if (machine !== 'not-given') tee.onRunEvent(info(runId, MACHINE_WILL_NOTIFY));
  const title = outcome === 'succeeded' ? 'Training finished' : 'Training failed';
  for (const step of order) {
    if (step === 'desktop-training-end') {
      tee.notify(outcome === 'succeeded' ? 'success' : 'error', title, `Run ${runId}.`, { runId, end: 'training' });
    } else if (step === 'desktop-run-failed') {
      if (outcome === 'failed') tee.notify('error', 'Run failed', `Run ${runId}.`, { runId, end: 'run-failed' });
    } else if (step === 'machine-line') {
      if (machine === 'delivered' || machine === 'failed') {
        const sent = await postWebhook(machineTarget, { level: 'info', title, body: `Run ${runId}.`, at, runId });
        expect(sent.ok).toBe(machine === 'delivered');
        const reason = sent.ok ? machineNotifiedReason(title) : machineNotDeliveredReason(sent.reason);
        tee.onRunEvent(info(runId, `done: ${reason}`));
      }
    } else {
      tee.onRunEvent({ type: 'finished', outcome, runId, seq: 1, at });
    }
  }
  await Promise.all(sends);
  return recorder.posted.filter((p) => p.path.endsWith(path) && !p.path.startsWith('/status')).map((p) => p.body);
}

const endTitles = (posts: string[]) => posts.map((b) => (JSON.parse(b) as WebhookMessage).title);

describe('webhookTee: a run end is heard once', () => {
  it('the machine posted: the desktop stays quiet, whatever the order it learns things in', async () => {
    expect(
      endTitles(await runEnd('delivered', 'succeeded', ['desktop-training-end', 'machine-line', 'finished'])),
    ).toEqual(['Training finished']);
    // A failed run: the desktop's "Run failed" repeats the machine's "Training failed" too.
    expect(
      endTitles(
        await runEnd('delivered', 'failed', ['desktop-training-end', 'machine-line', 'finished', 'desktop-run-failed']),
      ),
    ).toEqual(['Training failed']);
  });

  it("the machine's post failed (500): the desktop posts its own, once", async () => {
    expect(
      endTitles(await runEnd('failed', 'succeeded', ['desktop-training-end', 'machine-line', 'finished'])),
    ).toEqual(['Training finished']);
  });

  it('the machine never said (died, link lost): the desktop posts at the run end; without a machine webhook at once', async () => {
    expect(endTitles(await runEnd('silent', 'succeeded', ['desktop-training-end', 'finished']))).toEqual([
      'Training finished',
    ]);
    expect(
      endTitles(await runEnd('not-given', 'failed', ['desktop-training-end', 'finished', 'desktop-run-failed'])),
    ).toEqual(['Training failed', 'Run failed']);
  });

  it('a failure found after the machine said "Training finished" (verify, teardown) is news, and posted', async () => {
    const posts = await runEnd('delivered', 'failed', ['machine-line', 'finished', 'desktop-run-failed']);
    // This run's machine said "Training failed" (outcome failed): its "Run failed" is the same news.
    expect(endTitles(posts)).toEqual(['Training failed']);
    const tee = webhookTee(
      { notify: (level, title, body) => ({ id: '1', level, title, body, at }) },
      { send: async (m) => (sent.push(m.title), undefined) },
      { warn: () => undefined },
    );
    const sent: string[] = [];
    const about: RunEnd = { runId: 'v1', end: 'run-failed' };
    tee.onRunEvent(info('v1', MACHINE_WILL_NOTIFY));
    tee.onRunEvent(info('v1', `done: ${machineNotifiedReason('Training finished')}`));
    tee.onRunEvent({ type: 'finished', outcome: 'failed', runId: 'v1', seq: 2, at });
    tee.notify('error', 'Run failed', 'Run v1 failed at verifying-sync.', about);
    expect(sent).toEqual(['Run failed']);
  });

  it('property: any order of the events, any machine fate: the run end reaches the webhook exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Machine>('delivered', 'failed', 'silent', 'not-given'),
        fc.constantFrom<'succeeded' | 'failed'>('succeeded', 'failed'),
        // As the run's events come: the training's end and the machine's line (any order) before
        // `finished`; "Run failed" comes of `finished`, before or after the tee hears it (listener order).
        fc
          .tuple(fc.boolean(), fc.boolean())
          .map(
            ([machineFirst, failedFirst]): Step[] =>
              [
                ...(machineFirst ? ['machine-line', 'desktop-training-end'] : ['desktop-training-end', 'machine-line']),
                ...(failedFirst ? ['desktop-run-failed', 'finished'] : ['finished', 'desktop-run-failed']),
              ] as Step[],
          ),
        async (machine, outcome, order) => {
          const posts = endTitles(await runEnd(machine, outcome, order));
          const ends = posts.filter((t) => t.startsWith('Training'));
          // The training's end once; "Run failed" adds a post only when nobody else said the failure.
          expect(ends).toHaveLength(1);
          const machineSaidIt = machine === 'delivered';
          expect(posts.includes('Run failed')).toBe(outcome === 'failed' && !machineSaidIt);
        },
      ),
      { seed: 42, numRuns: 40 },
    );
  });
});
