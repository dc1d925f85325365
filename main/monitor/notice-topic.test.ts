import { describe, expect, it } from 'vitest';

import type { AppNotification } from '../../shared/domain/notification';
import { NOTIFICATION_TOPICS, type NotificationTopic } from '../../shared/domain/settings';
import type { MonitorNotice } from '../../shared/monitor/notices';
import { EventBus } from '../core/event-bus';
import { NotificationService } from '../core/notifications';
import { MonitorNotifier } from './monitor-notifier';

/** The Settings page's notification preferences, applied where main raises notices. */
function notifierWith(off: readonly NotificationTopic[]) {
  const bus = new EventBus();
  const shown: AppNotification[] = [];
  bus.on('app.notification', (n) => shown.push(n));
  const notifier = new MonitorNotifier(new NotificationService(bus, { now: () => 0 }), (t) => !off.includes(t));
  return { notifier, titles: () => shown.map((n) => n.title) };
}

const NOTICES: Record<string, MonitorNotice> = {
  ended: { kind: 'training-finished', runId: 'r1', exitCode: 0 },
  stopped: { kind: 'training-finished', runId: 'r2', exitCode: 143, cancelled: true },
  failed: { kind: 'training-finished', runId: 'r3', exitCode: 1 },
  stall: { kind: 'stall', runId: 'r4', quietMs: 600_000, gpu: true },
  runFailed: { kind: 'run-failed', runId: 'r8', reason: 'connecting: SSH did not answer' },
  clean: { kind: 'teardown-complete', runId: 'r5', remainingHourlyUsd: 0 },
  ghosts: { kind: 'untracked-resources', count: 2, hourlyUsd: 0.1, regions: ['us-west-2'] },
  leftBehind: { kind: 'teardown-complete', runId: 'r6', remainingHourlyUsd: 0.4, survivors: ['i-1'] },
  spot: { kind: 'spot-interruption', runId: 'r7', action: 'terminate', time: '2026-11-24T10:02:00Z' },
};

describe('notification preferences', () => {
  it('every topic on: every notice is shown', () => {
    const { notifier, titles } = notifierWith([]);
    for (const notice of Object.values(NOTICES)) notifier.notify(notice);
    expect(titles()).toHaveLength(Object.keys(NOTICES).length);
  });

  it('each topic off silences exactly its notices', () => {
    const expected: Record<NotificationTopic, string[]> = {
      trainingEnded: ['Training finished', 'Training stopped'],
      trainingFailed: ['Training failed', 'Training may be stalled', 'Run failed'],
      teardown: ['Teardown complete'],
      ghostResources: ['Untracked cost resources'],
    };
    const all = notifierWith([]);
    for (const notice of Object.values(NOTICES)) all.notifier.notify(notice);
    for (const topic of NOTIFICATION_TOPICS) {
      const { notifier, titles } = notifierWith([topic]);
      for (const notice of Object.values(NOTICES)) notifier.notify(notice);
      const silenced = all.titles().filter((title) => !titles().includes(title));
      expect(silenced.sort(), topic).toEqual(expected[topic].sort());
    }
  });

  it('a teardown that left resources billing and a spot interruption are shown with every topic off', () => {
    const { notifier, titles } = notifierWith(NOTIFICATION_TOPICS);
    for (const notice of Object.values(NOTICES)) notifier.notify(notice);
    expect(titles()).toEqual(['Teardown left resources', 'Spot instance interrupted']);
  });
});
