// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import { PRICE_TABLE } from '../../../../../../shared/pricing/price-table';
import { type RunConfig, runConfigSchema } from '../../../../../../shared/run-config/schema';
import { render, screen, within } from '../../../../testing/render';
import { CostEstimate } from './cost-estimate';

const config = (training: object = {}, storage: object = {}): RunConfig =>
  runConfigSchema.parse({
    version: 1,
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', sseKeyFile: 'k', prefix: 'p', ...storage },
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 480, diskGb: 100 },
    code: { repoUrl: 'https://github.com/me/repo.git' },
    training: { command: 'python train.py', ...training },
  });
const prices = {
  table: { ...PRICE_TABLE, origin: { source: 'live' as const, region: 'eu-west-1', asOf: '2026-12-05T08:00:00Z' } },
  spotZones: [{ zone: 'eu-west-1a', usdPerHour: 0.35 }],
};
const cells = (row: string) =>
  within(screen.getByTestId('cost-lines')).getByRole('rowheader', { name: row }).closest('tr')!.querySelectorAll('td');

describe('Review’s cost', () => {
  it('prices the expected hours next to the TTL, line by line, and the totals are the lines’ sums', () => {
    render(<CostEstimate config={config({ expectedHours: 6 })} prices={prices} />);
    const instance = [...cells('g5.xlarge (on-demand)')].map((c) => c.textContent);
    expect(instance).toEqual(['$1.01/h', '$6.04', '$8.05']);
    expect(screen.getByTestId('cost-expected').textContent).toBe([...cells('Total')][1]!.textContent);
    expect(screen.getByTestId('cost-ttl').textContent).toBe([...cells('Total')][2]!.textContent);
    expect(screen.getByTestId('prices-source').textContent).toBe('AWS prices of eu-west-1 fetched 2026-12-05.');
    expect(screen.getByTestId('cost-left-out').textContent).toMatch(
      /^Not in the total: S3 requests, \$0\.005 per 1,000 PUT/,
    );
  });

  it('a bucket in another region makes the transfer and the totals unknown, never $0', () => {
    render(<CostEstimate config={config({ expectedHours: 2 }, { region: 'us-east-1' })} prices={prices} />);
    expect(
      [...cells('Data transfer EC2 ↔ S3 (bucket in us-east-1, instance in eu-west-1: per GB)')].map(
        (c) => c.textContent,
      ),
    ).toEqual(['unknown', 'unknown', 'unknown']);
    expect(screen.getByTestId('cost-expected').textContent).toBe('unknown');
    expect(screen.getByTestId('cost-ttl').textContent).toBe('unknown');
  });

  it('"At most" counts the on-demand fallback of a spot run; the lines stay as planned (spot)', () => {
    const spot = config();
    spot.compute = { ...spot.compute!, market: 'spot', spot: { fallbackOnDemand: true, maxRelaunches: 0 } };
    render(<CostEstimate config={spot} prices={prices} />);
    const planned = [...cells('Total')][1]!.textContent;
    const onDemandGap = (PRICE_TABLE.instanceHourly['g5.xlarge']! - 0.35) * 8;
    const ttl = Number(screen.getByTestId('cost-ttl').textContent!.replace('$', ''));
    expect(ttl).toBeCloseTo(Number(planned!.replace('$', '')) + onDemandGap, 1);
    expect(screen.getByTestId('cost-ttl').parentElement!.textContent).toContain(
      `g5.xlarge (spot), at most g5.xlarge on-demand (the on-demand fallback); as planned: ${planned}.`,
    );
  });

  it('without an expected time, only the TTL column', () => {
    render(<CostEstimate config={config()} prices={prices} />);
    expect(screen.queryByTestId('cost-expected')).toBeNull();
    expect(cells('Total')).toHaveLength(2);
  });
});
