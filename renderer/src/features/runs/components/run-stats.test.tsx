// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { emptyRunSnapshot } from '../../../../../shared/domain/run';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import type { CostBurn } from '../../../../../shared/monitor/cost';
import { render, screen } from '../../../testing/render';
import { RunStats } from './run-stats';

const spotNow: CostBurn = {
  hourlyUsd: 0.326,
  instanceHourlyUsd: 0.315,
  ebsHourlyUsd: 0.011,
  soFarUsd: 0.978,
  pricesAsOf: '2025-06-15',
  instanceNote: "Spot price now in us-east-1a (EC2's price history).",
};
const stat = (label: string) => screen.getByText(label).closest('div')!;

describe('RunStats: the burn rate of a spot run', () => {
  it('at its spot price now: the figure as it is, said to be spot, the zone in its title', () => {
    render(<RunStats progress={undefined} cost={spotNow} />);
    expect(stat('Burn rate').textContent).toBe('Burn rate$0.326/hspot now · prices as of 2025-06-15');
    expect(stat('Burn rate').getAttribute('title')).toBe(spotNow.instanceNote);
    expect(stat('Cost so far').textContent).toBe('Cost so far$0.978');
  });

  it('its spot price unknown: "≤" on the rate and the cost so far, on-demand said, why in the title', () => {
    const note = 'At most: priced on-demand, as the spot price history is unavailable (access denied).';
    render(
      <RunStats progress={undefined} cost={{ ...spotNow, hourlyUsd: 1.022, upperBound: true, instanceNote: note }} />,
    );
    expect(stat('Burn rate').textContent).toBe('Burn rate≤ $1.02/hat most: on-demand, spot price unknown');
    expect(stat('Burn rate').getAttribute('title')).toBe(note);
    expect(stat('Cost so far').textContent).toBe('Cost so far≤ $0.978');
  });

  // #17 point 2: the monitor shows provisioningBurn until the monitor prices the run; a spot run's was exact-looking.
  it('a spot run still starting (provisioningBurn): "≤" on the rate and the cost so far, on-demand said', () => {
    const run = emptyRunSnapshot('r1', 'resnet', 'aws-ec2', '2026-12-06T06:00:00.000Z');
    run.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 100, market: 'spot' } };
    run.phases.provisioning = { status: 'running', startedAt: '2026-12-06T06:00:00.000Z', detail: { step: 'ssh' } };
    render(<RunStats progress={undefined} cost={provisioningBurn(run, Date.parse('2026-12-06T07:00:00.000Z'))} />);
    expect(stat('Burn rate').textContent).toBe('Burn rate≤ $1.02/hat most: on-demand, spot price unknown');
    expect(stat('Cost so far').textContent).toBe('Cost so far≤ $1.02');
  });

  it('a relaunched run: the cost so far says what the earlier attempts put in it', () => {
    render(
      <RunStats
        progress={undefined}
        cost={{ ...spotNow, soFarUsd: 1.4, earlier: { usd: 0.42, attempts: 1, upperBound: true }, projectedUsd: 2 }}
      />,
    );
    expect(stat('Cost so far').textContent).toBe(
      'Cost so far≤ $1.40incl. $0.420 of the earlier attempt · $2.00 projected',
    );
  });
});

describe('RunStats: an instance without a price', () => {
  it('says "unknown" for the cost so far and the burn rate, never — or $0', () => {
    render(
      <RunStats progress={undefined} cost={{ ...spotNow, hourlyUsd: null, instanceHourlyUsd: null, soFarUsd: null }} />,
    );
    expect(stat('Cost so far').textContent).toBe('Cost so farunknown');
    expect(stat('Burn rate').textContent).toMatch(/^Burn rateunknown/);
  });
});
