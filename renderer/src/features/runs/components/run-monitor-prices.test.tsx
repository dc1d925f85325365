// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { emptyRunSnapshot } from '../../../../../shared/domain/run';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import { formatHourly } from '../../../format/money';
import { EU_WEST_1_PRICES } from '../../../testing/region-prices';
import { render, screen } from '../../../testing/render';
import { RunMonitor } from './run-monitor';

// #17 point 1: until the monitor priced a booting run, its stats priced it at the bundled us-east-1 table
// whatever its region. Invariant: the burn rate shown is the run's region's, as main gives it.
const NOW = Date.parse('2026-12-06T10:00:00.000Z');
const run = emptyRunSnapshot('r-1', 'resnet', 'aws-ec2', '2026-12-06T09:00:00.000Z');
run.phases.preflight = {
  status: 'succeeded',
  detail: { instanceType: 'g5.xlarge', diskGb: 100, region: 'eu-west-1' },
};
run.phases.provisioning = { status: 'running', startedAt: '2026-12-06T09:00:00.000Z', detail: { step: 'ssh' } };

const show = () =>
  render(
    <RunMonitor
      run={run}
      prices={EU_WEST_1_PRICES}
      monitor={undefined}
      monitorError={undefined}
      actionError={undefined}
      now={NOW}
      onStop={() => {}}
      onCopy={() => {}}
      teardown={undefined}
      onTeardown={() => {}}
      onDismissTeardown={() => {}}
      retry={{ busy: false, error: undefined }}
      onRetry={() => {}}
    />,
  );
const burnRate = () => screen.getByText('Burn rate').closest('div')!.textContent;

describe("the monitor's stats of a run still booting in eu-west-1", () => {
  it("its burn rate at eu-west-1's prices, dated as main read them", () => {
    show();
    const eu = formatHourly(provisioningBurn(run, NOW, EU_WEST_1_PRICES)!.hourlyUsd!);
    expect(eu).not.toBe(formatHourly(provisioningBurn(run, NOW)!.hourlyUsd!));
    expect(burnRate()).toContain(eu);
  });
});
