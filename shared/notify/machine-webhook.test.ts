import { describe, expect, it } from 'vitest';

import type { RunEvent } from '../domain/run';
import { MACHINE_WILL_NOTIFY, machineNotifiedReason, machineWebhookFacts } from './machine-webhook';

let seq = 0;
const log = (source: 'info' | 'train', line: string): RunEvent => ({
  runId: 'r-1',
  seq: ++seq,
  at: '2026-12-06T06:00:00.000Z',
  type: 'log',
  source,
  line,
});

// Breaks 1d9874f: the reattach read every log line, the training's too, where the live tee reads info
// lines only: a script printing the machine's words made a reattached desktop stay silent (or post twice).
describe('machineWebhookFacts (what a reattach says again of the machine’s webhook)', () => {
  it('says again the launch note and the machine’s last word on its post, from info lines', () => {
    const events = [
      log('info', MACHINE_WILL_NOTIFY),
      log('info', `done: ${machineNotifiedReason('Training failed')}`),
      log('train', 'epoch 3'),
    ];
    expect(machineWebhookFacts(events)).toEqual([MACHINE_WILL_NOTIFY, 'done: notified the webhook: Training failed']);
  });

  it('the same words printed by the training are not the machine’s', () => {
    expect(machineWebhookFacts([log('train', MACHINE_WILL_NOTIFY)])).toEqual([]);
    const events = [
      log('info', MACHINE_WILL_NOTIFY),
      log('train', `done: ${machineNotifiedReason('Training finished')}`),
    ];
    expect(machineWebhookFacts(events)).toEqual([MACHINE_WILL_NOTIFY]);
  });
});
