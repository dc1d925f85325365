import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot, type RunEvent } from '../../../shared/domain/run';
import { computeBurn, provisioningBurn } from '../../../shared/monitor/burn';
import { reportMarkdown } from '../../../shared/report/report-markdown';
import { buildRunReport } from '../../../shared/report/run-report';
import { formatRunEvent } from '../../cli/run-output';
import { readJournal } from '../../lifecycle/journal/run-journal';
import { fakeWorld } from '../../lifecycle/testing/fake-lifecycle';
import { provisioningDetail } from '../pipeline/run-pipeline';
import { createEc2Backend } from './ec2-backend';

const RUN = 'demo-20250601-120000-ab12';

describe('capacity failover as the user sees it (CLI lines, monitor detail, report)', () => {
  it('"eu-west-1a: no capacity → eu-west-1b: launched" in the CLI, in the provisioning detail and in the report', async () => {
    const world = await fakeWorld();
    world.fake.region('eu-west-1').launchRefusals = [{ zone: 'eu-west-1a', code: 'InsufficientInstanceCapacity' }];
    // The backend as the pipeline drives it (run-pipeline.ts: each progress line is a running phase event).
    const backend = createEc2Backend(world.config, RUN, world.deps);
    await backend.preflight(new AbortController().signal);
    const progress: Array<Record<string, unknown>> = [];
    const acquired = await backend.acquire(
      new AbortController().signal,
      () => undefined,
      (step) => progress.push(provisioningDetail(step)),
    );
    const events = [
      { type: 'phase', phase: 'provisioning', status: 'running' },
      ...progress.map((detail) => ({ type: 'phase', phase: 'provisioning', status: 'running', detail })),
      { type: 'phase', phase: 'provisioning', status: 'succeeded', detail: acquired.detail },
    ];
    const stamped = events.map((e, i) => ({ ...e, runId: RUN, seq: i + 1, at: new Date(i * 1000).toISOString() }));
    const cli = stamped.map((e) => formatRunEvent(e as RunEvent)).join('');
    expect(cli).toContain('  · eu-west-1a: launching\n');
    expect(cli).toContain('  · eu-west-1a: no capacity → eu-west-1b: launching\n');
    expect(cli).toContain('  · eu-west-1a: no capacity → eu-west-1b: launched\n');
    expect(acquired.detail).toMatchObject({
      zone: 'eu-west-1b',
      instanceType: 'g5.xlarge',
      market: 'on-demand',
      placement: 'eu-west-1a: no capacity → eu-west-1b: launched',
    });
    expect(acquired.aws).toMatchObject({ instanceType: 'g5.xlarge', spot: false });
    await backend.release(new AbortController().signal);

    let snapshot = emptyRunSnapshot(RUN, 'demo', 'aws-ec2', new Date(0).toISOString());
    for (const event of stamped) snapshot = applyRunEvent(snapshot, event as RunEvent);
    const report = buildRunReport(snapshot, {
      journal: await readJournal(world.deps.dataDir, RUN),
      generatedAt: new Date(0).toISOString(),
    });
    expect(report.resources?.attempts?.map((a) => [a.zone, a.outcome, a.code])).toEqual([
      ['eu-west-1a', 'refused', 'InsufficientInstanceCapacity'],
      ['eu-west-1b', 'launched', undefined],
    ]);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('Launch attempts (eu-west-1a: no capacity → eu-west-1b: launched):');
    expect(markdown).toContain('1. eu-west-1a g5.xlarge on-demand: no capacity (InsufficientInstanceCapacity)');
    expect(markdown).toMatch(/2\. eu-west-1b g5\.xlarge on-demand: launched i-\w+/);
    // The teardown closed the journal: nothing of the run is left.
    expect(report.resources?.verified).toBe(true);
  });

  // Issue #17 (prices-ui, point 1): the monitor priced the configured type until training, whatever launched.
  it('after a failover to an alternative type, every step after the launch says the placement, and the burn prices it', async () => {
    const world = await fakeWorld({ compute: { alternatives: ['g5.2xlarge'] } });
    world.fake.region('eu-west-1').launchRefusals = [
      { instanceType: 'g5.xlarge', code: 'InsufficientInstanceCapacity' },
    ];
    const backend = createEc2Backend(world.config, RUN, world.deps);
    const facts = await backend.preflight(new AbortController().signal);
    const details: Array<Record<string, unknown>> = [];
    const acquired = await backend.acquire(
      new AbortController().signal,
      () => undefined,
      (step) => details.push(provisioningDetail(step)),
    );
    await backend.release(new AbortController().signal);
    expect(acquired.aws).toMatchObject({ instanceType: 'g5.2xlarge' });
    const waits = details.filter((d) => ['running', 'status-checks', 'host-key', 'ssh'].includes(d.step as string));
    expect(waits.length).toBeGreaterThan(0);
    for (const detail of waits) expect(detail).toMatchObject({ instanceType: 'g5.2xlarge', market: 'on-demand' });
    // Before the launch got a placement, nothing claims one.
    expect(details.find((d) => d.step === 'key-pair')).not.toHaveProperty('instanceType');

    const at = (s: number) => new Date(Date.parse('2026-12-06T09:00:00Z') + s * 1000).toISOString();
    const events = [
      { type: 'phase', phase: 'preflight', status: 'succeeded', detail: facts },
      { type: 'phase', phase: 'provisioning', status: 'running' },
      { type: 'phase', phase: 'provisioning', status: 'running', detail: waits.at(-1) },
    ].map((e, i) => ({ ...e, runId: RUN, seq: i + 1, at: at(i) }) as RunEvent);
    let snapshot = emptyRunSnapshot(RUN, 'demo', 'aws-ec2', at(0));
    for (const event of events) snapshot = applyRunEvent(snapshot, event);
    const burn = provisioningBurn(snapshot, Date.parse(at(3600)))!;
    const priced = (instanceType: string) =>
      computeBurn({
        instanceType,
        volumes: [{ volumeType: 'gp3', sizeGb: world.config.compute!.diskGb }],
        startedAt: 0,
        now: 1,
        hasPublicIp: true,
      });
    expect(facts).toMatchObject({ instanceType: 'g5.xlarge' });
    expect(burn.hourlyUsd).toBe(priced('g5.2xlarge').hourlyUsd);
    expect(burn.hourlyUsd).not.toBe(priced('g5.xlarge').hourlyUsd);
  });
});
