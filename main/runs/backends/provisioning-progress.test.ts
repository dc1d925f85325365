import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent } from '../../../shared/domain/run';
import { formatRunEvent } from '../../cli/run-output';
import { fakeWorld } from '../../lifecycle/testing/fake-lifecycle';
import { runEc2PipelineOn } from '../testing/ec2-pipeline';

const RUN = 'demo-20250601-120000-ab12';

describe('progress during provisioning', () => {
  it('each wait is reported at its start and about every 30 s, with elapsed time and limit; the CLI prints each', async () => {
    const world = await fakeWorld();
    world.deps.probe = { sshBanner: async () => undefined }; // sshd never answers: the ssh wait runs to its limit
    const { events } = await runEc2PipelineOn(world, RUN);
    const progress = events.flatMap((e) =>
      e.type === 'phase' && e.phase === 'provisioning' && e.status === 'running' && e.detail ? [e.detail] : [],
    );
    const waits = progress.filter((d) => d.limitSeconds !== undefined);
    expect([...new Set(waits.map((d) => d.step))]).toEqual(['running', 'status-checks', 'host-key', 'ssh']);
    expect(waits.find((d) => d.step === 'running')).toMatchObject({
      elapsedSeconds: 0,
      limitSeconds: 600,
      progress: expect.stringMatching(/^waiting for i-\w+ to be running: 0 s of 10 min$/),
    });
    // The ssh wait (5 min limit) reports at 0 s, 30 s, 1 min … never staying silent longer than 30 s + one poll.
    const ssh = waits.filter((d) => d.step === 'ssh').map((d) => d.elapsedSeconds as number);
    expect(ssh[0]).toBe(0);
    expect(ssh.length).toBeGreaterThanOrEqual(9);
    for (let i = 1; i < ssh.length; i++) expect(ssh[i]! - ssh[i - 1]!).toBeLessThanOrEqual(35);
    // Steps (the creates) are reported too, without a limit.
    expect(progress.map((d) => d.step)).toEqual(expect.arrayContaining(['key-pair', 'security-group', 'instance']));

    const sshLine = events.find(
      (e) => e.type === 'phase' && e.detail?.step === 'ssh' && e.detail.elapsedSeconds === 30,
    )!;
    expect(formatRunEvent({ ...sshLine, runId: RUN, seq: 1, at: '' } as RunEvent)).toMatch(
      /^ {2}· waiting for sshd at 203\.0\.113\.\d+:22: 30 s of 5 min\n$/,
    );
  });

  it('a progress event keeps the phase running since its start and shows the latest detail (the monitor)', () => {
    const base = emptyRunSnapshot(RUN, 'demo', 'aws-ec2', '2025-06-01T12:00:00Z');
    const phase = (seq: number, at: string, detail?: Record<string, unknown>) =>
      ({
        type: 'phase',
        phase: 'provisioning',
        status: 'running',
        runId: RUN,
        seq,
        at,
        ...(detail ? { detail } : {}),
      }) as RunEvent;
    let snapshot = applyRunEvent(base, phase(1, '2025-06-01T12:00:01Z'));
    snapshot = applyRunEvent(
      snapshot,
      phase(2, '2025-06-01T12:03:00Z', { step: 'ssh', progress: 'waiting: 30 s of 5 min' }),
    );
    expect(snapshot.phases.provisioning).toEqual({
      status: 'running',
      startedAt: '2025-06-01T12:00:01Z',
      detail: { step: 'ssh', progress: 'waiting: 30 s of 5 min' },
    });
  });
});
