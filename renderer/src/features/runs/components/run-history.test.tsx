// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { emptyRunSnapshot, type RunSnapshot } from '../../../../../shared/domain/run';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import { formatUsd } from '../../../../../shared/report/format';
import { EU_WEST_1_PRICES } from '../../../testing/region-prices';
import { render, screen } from '../../../testing/render';
import { RunHistory } from './run-history';

// Issue #17 (prices-ui, point 4): History's cost of a running cloud run was "…" until the run ended, while
// the monitor showed its cost so far. Invariant: the cell shows the monitor's figure (or, before the monitor
// prices the run, the provisioning burn the monitor shows), "≤" when at most, or says why there is none.
const T0 = Date.parse('2026-12-06T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function ec2Run(over: (run: RunSnapshot) => void = () => {}): RunSnapshot {
  const run = emptyRunSnapshot('r-1', 'resnet', 'aws-ec2', at(0));
  run.phases.preflight = { status: 'succeeded', detail: { instanceType: 'g5.xlarge', diskGb: 100 } };
  over(run);
  return run;
}
const cell = () => screen.getByTestId('run-history-cost');
const show = (run: RunSnapshot, soFar = {}) =>
  render(<RunHistory runs={[run]} selected={undefined} now={T0 + 60 * 60_000} soFar={soFar} onSelect={() => {}} />);

describe('History: the cost of a run still running', () => {
  it("the monitor's cost so far, as the monitor shows it", () => {
    show(ec2Run(), { 'r-1': { usd: 1.234, upperBound: false } });
    expect(cell().textContent).toBe('$1.23 so far');
    expect(cell().getAttribute('title')).toMatch(/^Cost so far, as the monitor prices it; the total is computed when/);
  });

  it('at most (a spot instance priced on-demand): "≤"', () => {
    show(ec2Run(), { 'r-1': { usd: 0.5, upperBound: true } });
    expect(cell().textContent).toBe('≤ $0.500 so far');
  });

  it('before the monitor prices it: the provisioning burn, from the instance create on (the monitor shows the same)', () => {
    const run = ec2Run((r) => {
      r.phases.provisioning = { status: 'running', startedAt: at(10), detail: { step: 'ssh' } };
    });
    show(run);
    expect(cell().textContent).toBe(`${formatUsd(provisioningBurn(run, T0 + 60 * 60_000)!.soFarUsd)} so far`);
  });

  // #17 point 1: the cell priced a booting run at the bundled us-east-1 table whatever its region.
  it("a booting run in eu-west-1: its cost so far at eu-west-1's prices (main's), as the monitor shows it", () => {
    const run = ec2Run((r) => {
      r.phases.preflight.detail = { ...r.phases.preflight.detail, region: 'eu-west-1' };
      r.phases.provisioning = { status: 'running', startedAt: at(10), detail: { step: 'ssh' } };
    });
    render(
      <RunHistory
        runs={[run]}
        selected={undefined}
        now={T0 + 60 * 60_000}
        prices={{ 'r-1': EU_WEST_1_PRICES }}
        onSelect={() => {}}
      />,
    );
    const eu = formatUsd(provisioningBurn(run, T0 + 60 * 60_000, EU_WEST_1_PRICES)!.soFarUsd);
    expect(eu).not.toBe(formatUsd(provisioningBurn(run, T0 + 60 * 60_000)!.soFarUsd));
    expect(cell().textContent).toBe(`${eu} so far`);
  });

  it('before the instance exists: nothing bills yet, said in words; no price: "unknown", said why', () => {
    const { unmount } = show(ec2Run());
    expect(cell().textContent).toBe('nothing yet');
    expect(cell().getAttribute('title')).toMatch(/^Nothing bills until the launch creates the instance/);
    unmount();
    show(ec2Run(), { 'r-1': { usd: null, upperBound: false } });
    expect(cell().textContent).toBe('unknown');
    expect(cell().getAttribute('title')).toMatch(/no price for this instance type/);
  });

  it('an ended run keeps its total; a run on an own machine its $0.00', () => {
    const { unmount } = show({ ...emptyRunSnapshot('r-1', 'x', 'local', at(0)) });
    expect(cell().textContent).toBe('$0.00 (own machine)');
    unmount();
    show(ec2Run((r) => (r.state = 'failed')));
    expect(cell().textContent).toBe('—');
  });
});
