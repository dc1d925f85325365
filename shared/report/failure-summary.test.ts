import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { emptyRunSnapshot, RUN_PHASES, type RunPhase, type RunSnapshot } from '../domain/run';
import { failureSummary, likelyCauses } from './failure-summary';

const SSH = 'SSH to 203.0.113.7:22 did not answer after 3 attempts in 2 min (last: connect ETIMEDOUT).';

function failedRun(
  backend: RunSnapshot['backend'],
  failures: Partial<Record<RunPhase, { reason: string; fix?: string }>>,
  reason?: string,
): RunSnapshot {
  const run = emptyRunSnapshot('r1', 'resnet', backend, '2026-12-05T10:00:00.000Z');
  for (const [phase, failure] of Object.entries(failures)) {
    run.phases[phase as RunPhase] = { status: 'failed', ...failure };
  }
  return { ...run, state: 'failed', ...(reason ? { reason } : {}) };
}

describe('failureSummary: one failure, said once', () => {
  it('the SSH error of the phase, the run\'s "connecting: …" and a teardown that failed for it are one reason', () => {
    const run = failedRun(
      'aws-ec2',
      {
        connecting: { reason: SSH, fix: 'Check the security group.' },
        'tearing-down': { reason: SSH.toUpperCase().replace(/\.$/, '') },
      },
      `connecting: ${SSH}`,
    );
    const summary = failureSummary(run)!;
    expect(summary).toMatchObject({ phase: 'connecting', reason: SSH, fix: 'Check the security group.', also: [] });
  });

  it('a different second failure is kept (the teardown that left a volume), after the first', () => {
    const run = failedRun(
      'aws-ec2',
      { connecting: { reason: SSH }, 'tearing-down': { reason: 'teardown left 1 resource: vol-1' } },
      `connecting: ${SSH}`,
    );
    const summary = failureSummary(run)!;
    expect(summary.reason).toBe(SSH);
    expect(summary.also).toEqual([{ phase: 'tearing-down', reason: 'teardown left 1 resource: vol-1' }]);
  });

  it('only failed runs have one; a failed run without any reason still says so', () => {
    expect(failureSummary({ ...failedRun('local', {}), state: 'succeeded' })).toBeUndefined();
    expect(failureSummary(failedRun('local', {}))!.reason).toBe('The run failed without saying why.');
    expect(failureSummary(failedRun('local', {}, 'preflight: the key file is missing'))!.reason).toBe(
      'preflight: the key file is missing',
    );
  });

  it('whatever phases failed with whatever reasons, no two shown reasons are the same reason', () => {
    const reason = fc.constantFrom(SSH, `connecting: ${SSH}`, 'disk full', 'Disk full.', 'exit code 1', 'vol-1 left');
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...RUN_PHASES), reason, { maxKeys: 4 }),
        fc.option(reason, { nil: undefined }),
        (failures, runReason) => {
          const byPhase = Object.fromEntries(Object.entries(failures).map(([p, r]) => [p, { reason: r }]));
          const summary = failureSummary(failedRun('aws-ec2', byPhase, runReason))!;
          const shown = [summary.reason, ...summary.also.map((a) => a.reason)].map((r) =>
            r
              .replace(/^connecting: /, '')
              .replace(/\.$/, '')
              .toLowerCase(),
          );
          expect(new Set(shown).size).toBe(shown.length);
          // Nothing is lost either: every distinct reason given is shown.
          const given = [...Object.values(failures), ...(runReason ? [runReason] : [])].map((r) =>
            r
              .replace(/^connecting: /, '')
              .replace(/\.$/, '')
              .toLowerCase(),
          );
          for (const r of given) expect(shown.some((s) => s.includes(r) || r.includes(s))).toBe(true);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('likelyCauses: what fits the backend', () => {
  it('EC2: source IP of the security group, status checks and the console output, linked to the instance', () => {
    const run = failedRun('aws-ec2', { connecting: { reason: SSH } });
    run.phases.provisioning = {
      status: 'succeeded',
      detail: { instanceId: 'i-0a1b2c3d4e5f60718', region: 'eu-west-1', publicIp: '203.0.113.7' },
    };
    const causes = likelyCauses(run, 'connecting');
    expect(causes.map((c) => c.text).join(' ')).toMatch(/public IP address changed.*security group/);
    expect(causes.map((c) => c.text).join(' ')).toMatch(/status checks/);
    expect(causes.map((c) => c.text).join(' ')).toMatch(/Get system log/);
    expect(causes[1]!.link).toEqual({
      href: 'https://console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0a1b2c3d4e5f60718',
      label: 'Open i-0a1b2c3d4e5f60718 in the EC2 console',
    });
    expect(causes.some((c) => /authorized_keys|systemctl/.test(c.text))).toBe(false);
  });

  it('own machine over SSH: the host, sshd and the key; local: Node, sh and the folder; no AWS words in either', () => {
    const ssh = likelyCauses({ ...failedRun('ssh-host', {}), host: 'me@gpu-box:22' }, 'connecting');
    expect(ssh.map((c) => c.text).join(' ')).toMatch(/me@gpu-box:22.*sshd.*authorized_keys/s);
    const local = likelyCauses(failedRun('local', {}), 'bootstrapping');
    expect(local.map((c) => c.text).join(' ')).toMatch(/Node\.js.*sh.*work folder/s);
    for (const cause of [...ssh, ...local]) expect(cause.text).not.toMatch(/EC2|security group|instance/);
  });

  it('phases whose errors name their cause (preflight, training, the sync) get no guesses', () => {
    for (const phase of ['preflight', 'checkout', 'pulling', 'training', 'pushing', 'tearing-down'] as const) {
      expect(likelyCauses(failedRun('aws-ec2', {}), phase)).toEqual([]);
    }
    // An EC2 run without the instance's id (provisioning never finished): causes without a broken link.
    expect(likelyCauses(failedRun('aws-ec2', {}), 'provisioning').every((c) => c.link === undefined)).toBe(true);
  });
});
