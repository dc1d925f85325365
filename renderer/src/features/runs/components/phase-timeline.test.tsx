// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent } from '../../../../../shared/domain/run';
import { render, screen } from '../../../testing/render';
import { PhaseTimeline } from './phase-timeline';
import { lineAddition } from './provisioning-wait';

const RUN = 'demo-20261205-150000-ab12';
const START = Date.parse('2026-12-05T15:00:00.000Z');

// The provisioning events as the EC2 backend emits them (main/runs/pipeline/run-pipeline.ts): each
// step and wait is a running phase event whose detail says the step, its line and (waits) elapsed/limit.
function provisioning(...details: Array<Record<string, unknown>>) {
  let snapshot = emptyRunSnapshot(RUN, 'demo', 'aws-ec2', '2026-12-05T15:00:00.000Z');
  const events: Array<Partial<RunEvent>> = [
    { type: 'phase', phase: 'preflight', status: 'succeeded' },
    { type: 'phase', phase: 'provisioning', status: 'running' },
    ...details.map((detail) => ({ type: 'phase', phase: 'provisioning', status: 'running', detail }) as const),
  ];
  events.forEach((e, i) => {
    snapshot = applyRunEvent(snapshot, {
      runId: RUN,
      seq: i + 1,
      at: new Date(START + i * 1000).toISOString(),
      ...e,
    } as RunEvent);
  });
  return snapshot;
}

describe("main's provisioning line beside the heading", () => {
  it('says only what the heading does not: nothing for a bare wait, the address or instance otherwise', () => {
    expect(lineAddition('Status checks', 'waiting for the status checks: 2 min of 15 min')).toBeUndefined();
    expect(lineAddition('Status checks', 'waiting for the status checks of i-0abc: 2 min of 15 min')).toBe(
      'the status checks of i-0abc',
    );
    expect(lineAddition('SSH server (sshd)', 'waiting for sshd at 203.0.113.7:22: 1 min 30 s of 5 min')).toBe(
      'sshd at 203.0.113.7:22',
    );
    expect(lineAddition('Instance running', 'waiting for i-0abc to be running: 10 s of 10 min')).toBe(
      'i-0abc to be running',
    );
    expect(lineAddition('Key pair', 'creating key pair traindeck-demo')).toBe('creating key pair traindeck-demo');
    expect(lineAddition('Key pair', undefined)).toBeUndefined();
  });
});

describe('the phase timeline during provisioning', () => {
  it('shows the current wait: what, elapsed of its limit, a bar at that fraction, and the backend line', () => {
    const run = provisioning(
      { step: 'instance', progress: 'launching g5.xlarge' },
      {
        step: 'ssh',
        progress: 'waiting for sshd at 203.0.113.7:22: 0 s of 5 min',
        elapsedSeconds: 0,
        limitSeconds: 300,
      },
      {
        step: 'ssh',
        progress: 'waiting for sshd at 203.0.113.7:22: 1 min 30 s of 5 min',
        elapsedSeconds: 90,
        limitSeconds: 300,
      },
    );
    render(<PhaseTimeline phases={run.phases} now={START + 120_000} />);
    const wait = screen.getByTestId('provisioning-wait');
    // 90 s is "1 min 30 s" (one duration format, never floored: #15).
    expect(wait.textContent).toContain('Waiting: SSH server (sshd) · 1 min 30 s of 5 min');
    // Main's line only for what it adds (the address), not a second "waiting … 1 min 30 s of 5 min".
    expect(screen.getByText('sshd at 203.0.113.7:22')).toBeTruthy();
    expect(wait.textContent).not.toContain('waiting for');
    const bar = screen.getByRole('progressbar', { name: 'Provisioning wait: SSH server (sshd)' });
    expect(bar.getAttribute('aria-valuenow')).toBe('90');
    expect(bar.getAttribute('aria-valuemax')).toBe('300');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('30.0%');
    // The phase itself keeps running since its start (the waits do not restart its clock).
    expect(screen.getByTestId('phase-provisioning').getAttribute('data-status')).toBe('running');
  });

  it('each wait in turn: instance running, status checks, console host key; a wait past its limit fills the bar, no more', () => {
    const steps = [
      ['running', 'Instance running', 600],
      ['status-checks', 'Status checks', 900],
      ['host-key', 'Console host key', 300],
    ] as const;
    for (const [step, label, limitSeconds] of steps) {
      const run = provisioning({
        step,
        progress: `waiting for ${step}`,
        elapsedSeconds: limitSeconds + 5,
        limitSeconds,
      });
      const { unmount } = render(<PhaseTimeline phases={run.phases} now={START} />);
      const bar = screen.getByRole('progressbar', { name: `Provisioning wait: ${label}` });
      expect(bar.getAttribute('aria-valuenow')).toBe(String(limitSeconds));
      expect((bar.firstElementChild as HTMLElement).style.width).toBe('100.0%');
      unmount();
    }
  });

  it('a create step has no bar, only what is being created; nothing is shown before a step or once provisioning is over', () => {
    const creating = provisioning({ step: 'key-pair', progress: 'creating key pair traindeck-demo' });
    const { unmount } = render(<PhaseTimeline phases={creating.phases} now={START} />);
    expect(screen.getByTestId('provisioning-wait').textContent).toContain('Creating: Key pair');
    expect(screen.queryByRole('progressbar')).toBeNull();
    unmount();

    const none = render(<PhaseTimeline phases={provisioning().phases} now={START} />);
    expect(screen.queryByTestId('provisioning-wait')).toBeNull();
    none.unmount();

    const waiting = provisioning({ step: 'ssh', progress: 'waiting', elapsedSeconds: 30, limitSeconds: 300 });
    render(<PhaseTimeline phases={waiting.phases} now={START} endedAt="2026-12-05T15:09:00.000Z" />);
    expect(screen.queryByTestId('provisioning-wait')).toBeNull();
  });
});

describe('capacity failover in the timeline', () => {
  it('while the instance is placed: every attempt so far; once provisioning is done: where it landed', () => {
    const trying = provisioning({ step: 'instance', progress: 'eu-west-1a: no capacity → eu-west-1b: launching' });
    const { unmount } = render(<PhaseTimeline phases={trying.phases} now={START} />);
    const wait = screen.getByTestId('provisioning-wait');
    expect(wait.textContent).toContain('Creating: Instance');
    expect(wait.textContent).toContain('eu-west-1a: no capacity → eu-west-1b: launching');
    expect(screen.queryByTestId('placement')).toBeNull();
    unmount();

    const done = applyRunEvent(trying, {
      type: 'phase',
      phase: 'provisioning',
      status: 'succeeded',
      runId: RUN,
      seq: 99,
      at: new Date(START + 60_000).toISOString(),
      detail: { instanceId: 'i-0abc', placement: 'eu-west-1a: no capacity → eu-west-1b: launched' },
    } as RunEvent);
    render(<PhaseTimeline phases={done.phases} now={START + 60_000} />);
    expect(screen.getByTestId('placement').textContent).toBe(
      'Placement: eu-west-1a: no capacity → eu-west-1b: launched',
    );
    expect(screen.queryByTestId('provisioning-wait')).toBeNull();
  });
});
