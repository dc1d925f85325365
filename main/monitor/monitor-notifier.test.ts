import { describe, expect, it } from 'vitest';

import type { CostResource } from '../../shared/domain/cost';
import type { AppNotification } from '../../shared/domain/notification';
import type { RunEvent } from '../../shared/domain/run';
import { EventBus } from '../core/event-bus';
import { NotificationService } from '../core/notifications';
import { MonitorNotifier } from './monitor-notifier';

function setup() {
  const bus = new EventBus();
  const page: AppNotification[] = [];
  const os: AppNotification[] = [];
  bus.on('app.notification', (n) => page.push(n));
  const service = new NotificationService(bus, { now: () => 0 });
  service.addSink((n) => os.push(n));
  return { page, os, notifier: new MonitorNotifier(service) };
}

const T0 = Date.parse('2026-11-24T10:00:00Z');
type PhaseEvent = Extract<RunEvent, { type: 'phase' }>;
const phase = (
  p: PhaseEvent['phase'],
  status: 'succeeded' | 'failed',
  detail?: Record<string, unknown>,
  minutes = 0,
): PhaseEvent => ({
  type: 'phase',
  runId: 'r1',
  seq: 1,
  at: new Date(T0 + minutes * 60_000).toISOString(),
  phase: p,
  status,
  ...(detail ? { detail } : {}),
});
const brief = (n: AppNotification) => `${n.level}|${n.title}|${n.body}`;

describe('MonitorNotifier → the one NotificationService (page and OS sinks)', () => {
  it('training finished: success with exit code and duration; failure with the code; each once', () => {
    const { page, os, notifier } = setup();
    notifier.onRunEvent(phase('training', 'succeeded', { exitCode: 0 }, 125), T0);
    notifier.onRunEvent(phase('training', 'succeeded', { exitCode: 0 }, 125), T0);
    expect(page.map(brief)).toEqual(['success|Training finished|Run r1 succeeded (exit code 0) after 2 h 05 min.']);
    expect(os).toEqual(page);
    const other = setup();
    other.notifier.onRunEvent(phase('training', 'failed', { exitCode: 137, durationMs: 61_000 }));
    expect(other.page.map(brief)).toEqual([
      'error|Training failed|Run r1 ended with exit code 137 after 1 min 01 s; its data is pushed anyway.',
    ]);
  });

  it('sync verified, teardown with $0/h confirmed (AWS only: ssh-host tears nothing down), teardown that left something', () => {
    const { page, notifier } = setup();
    notifier.onRunEvent(phase('verifying-sync', 'succeeded', { files: 42 }));
    notifier.onRunEvent(phase('tearing-down', 'succeeded', { deleted: 'nothing (ssh-host: the machine is yours)' }));
    notifier.onRunEvent(phase('tearing-down', 'succeeded', { deleted: 4, remainingHourlyUsd: 0 }));
    expect(page.map(brief)).toEqual([
      'success|Sync verified|42 files of run r1 are in S3 with matching SHA-256.',
      'success|Teardown complete|Run r1: everything deleted, $0/h confirmed by rescan.',
    ]);
    const other = setup();
    other.notifier.onRunEvent(phase('tearing-down', 'failed', { remainingHourlyUsd: 0.0066, survivors: ['vol-1'] }));
    other.notifier.onRunEvent({
      ...phase('tearing-down', 'failed'),
      runId: 'r2',
      reason: 'teardown left 1 resource(s): i-0abc',
    });
    expect(other.page.map(brief)).toEqual([
      'error|Teardown left resources|Run r1: vol-1 still cost $0.007/h. Open Costs to delete them.',
      'error|Teardown left resources|Run r2: teardown left 1 resource(s): i-0abc. resources may still cost money. Open Costs to delete them.',
    ]);
  });

  it('stall and spot interruption', () => {
    const { page, notifier } = setup();
    notifier.notify({ kind: 'stall', runId: 'r1', quietMs: 600_000, gpu: true });
    notifier.notify({ kind: 'spot-interruption', runId: 'r1', action: 'terminate', time: '2026-11-24T10:02:00Z' });
    notifier.notify({ kind: 'spot-interruption', runId: 'r1', action: 'terminate', time: '2026-11-24T10:02:00Z' });
    expect(page.map(brief)).toEqual([
      'warning|Training may be stalled|Run r1: no new log line and GPU idle for 10 min.',
      'error|Spot instance interrupted|Run r1: AWS will terminate the instance at 2026-11-24T10:02:00Z. The executor is pushing now.',
    ]);
  });

  it('a relaunched spot run: each interruption and each relaunch said once, the first attempt and an ended one not', () => {
    const { page, notifier } = setup();
    const attempt = (n: number, zone: string, end?: 'interrupted') => ({
      attempt: n,
      instanceId: `i-${n}`,
      instanceType: 'g5.xlarge',
      zone,
      market: 'spot' as const,
      startedAt: '2026-11-24T10:00:00Z',
      ...(end ? { endedAt: '2026-11-24T10:40:00Z', end } : {}),
    });
    const attempts = (seq: number, list: ReturnType<typeof attempt>[]): RunEvent => ({
      type: 'attempts',
      runId: 'r1',
      seq,
      at: '2026-11-24T10:45:00Z',
      attempts: list,
    });
    notifier.onRunEvent(attempts(1, [attempt(1, 'eu-west-1a')]));
    notifier.notify({ kind: 'spot-interruption', runId: 'r1', action: 'terminate', time: '2026-11-24T10:40:00Z' });
    notifier.onRunEvent(attempts(2, [attempt(1, 'eu-west-1a', 'interrupted')]));
    notifier.onRunEvent(attempts(3, [attempt(1, 'eu-west-1a', 'interrupted'), attempt(2, 'eu-west-1b')]));
    // Replayed after a reconnect: not said again.
    notifier.onRunEvent(attempts(3, [attempt(1, 'eu-west-1a', 'interrupted'), attempt(2, 'eu-west-1b')]));
    notifier.notify({ kind: 'spot-interruption', runId: 'r1', action: 'terminate', time: '2026-11-24T11:30:00Z' });
    notifier.onRunEvent(
      attempts(4, [
        attempt(1, 'eu-west-1a', 'interrupted'),
        attempt(2, 'eu-west-1b', 'interrupted'),
        attempt(3, 'eu-west-1c'),
      ]),
    );
    expect(page.map((n) => n.title)).toEqual([
      'Spot instance interrupted',
      'Spot run relaunched (attempt 2 in eu-west-1b)',
      'Spot instance interrupted',
      'Spot run relaunched (attempt 3 in eu-west-1c)',
    ]);
    expect(page[1]!.body).toBe(
      'Run r1: attempt 2 is a g5.xlarge spot instance in eu-west-1b, after a spot interruption; training resumes from the newest checkpoint in S3. Each attempt bills its own instance.',
    );
  });

  it('a scan with untracked billable resources notifies with count, regions and $/h; ours or free ones do not', () => {
    const { page, notifier } = setup();
    const r = (over: Partial<CostResource>): CostResource => ({
      kind: 'volume',
      region: 'eu-west-1',
      id: 'vol',
      type: 'gp3',
      state: 'available',
      tags: {},
      ours: false,
      hourlyUsd: 0.01,
      ...over,
    });
    notifier.onScan([r({ ours: true }), r({ kind: 'key-pair', hourlyUsd: 0 })]);
    expect(page).toEqual([]);
    notifier.onScan([r({}), r({ region: 'us-east-1', hourlyUsd: 0.005 }), r({ ours: true })]);
    expect(page.map(brief)).toEqual([
      'warning|Untracked cost resources|The scan found 2 resources not made by TrainDeck in eu-west-1, us-east-1, costing $0.015/h.',
    ]);
  });

  it('a run that failed says "Run failed" (page and OS) once, with its reason; a failed training is not said twice', () => {
    const { page, os, notifier } = setup();
    const finished = (runId: string, outcome: 'failed' | 'succeeded', reason?: string): RunEvent => ({
      type: 'finished',
      runId,
      seq: 9,
      at: new Date(T0).toISOString(),
      outcome,
      ...(reason ? { reason } : {}),
    });
    notifier.onRunEvent(finished('r1', 'failed', 'connecting: SSH to 203.0.113.7:22 did not answer.'));
    notifier.onRunEvent(finished('r1', 'failed', 'connecting: SSH to 203.0.113.7:22 did not answer.'));
    notifier.onRunEvent(finished('r2', 'succeeded'));
    expect(page.map(brief)).toEqual([
      'error|Run failed|Run r1 failed at connecting: SSH to 203.0.113.7:22 did not answer. Open Runs for the causes and Retry.',
    ]);
    expect(os).toEqual(page);
    const trained = setup();
    trained.notifier.onRunEvent(phase('training', 'failed', { exitCode: 1 }));
    trained.notifier.onRunEvent(finished('r1', 'failed', 'training: exit code 1'));
    expect(trained.page.map((n) => n.title)).toEqual(['Training failed']);
  });

  it('a verified sync of 0 files is no notification (nothing was checked); 1 file is singular', () => {
    const { page, notifier } = setup();
    notifier.onRunEvent(phase('verifying-sync', 'succeeded', { files: 0 }));
    expect(page).toEqual([]);
    notifier.notify({ kind: 'sync-verified', runId: 'r2', files: 1 });
    expect(page.map(brief)).toEqual(['success|Sync verified|1 file of run r2 is in S3 with matching SHA-256.']);
  });

  it('running phases and other phases notify nothing', () => {
    const { page, notifier } = setup();
    notifier.onRunEvent({
      type: 'phase',
      runId: 'r1',
      seq: 1,
      at: new Date(T0).toISOString(),
      phase: 'training',
      status: 'running',
    });
    notifier.onRunEvent(phase('pulling', 'succeeded'));
    expect(page).toEqual([]);
  });
});
