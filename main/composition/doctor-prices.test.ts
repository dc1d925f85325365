import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { DoctorReport } from '../../shared/domain/doctor';
import { FakeAws } from '../aws/fake/fake-aws';
import { FakeClock } from '../aws/testing/fake-clock';
import { PRICE_CACHE_TTL_MS, PriceSource } from '../lifecycle/pricing/price-source';
import { runDoctor } from './doctor';

// The doctor's price line over the real price source (its disk cache) and the fake Price List.
let dataDir: string;
let clock: FakeClock;
let fake: FakeAws;
let source: PriceSource;
let asked: string[];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'traindeck-doctor-prices-'));
  clock = new FakeClock(Date.parse('2026-12-05T21:00:00Z'));
  fake = new FakeAws({ clock, regions: ['eu-west-1'] });
  source = new PriceSource({ dataDir, clock, priceList: () => fake.ports().priceList });
  asked = [];
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'eu-west-1' };
const doctor = (env: NodeJS.ProcessEnv = CREDENTIALS) =>
  runDoctor({
    env: { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', ...env },
    projectRoot: process.cwd(),
    dataDir,
    nodeVersion: 'v22.12.0',
    clock,
    prices: (region, signal) => {
      asked.push(region);
      return source.forRegion({ region }, signal);
    },
  });
const prices = (report: DoctorReport) => report.checks.find((c) => c.id === 'prices');

describe('doctor: which prices are in use', () => {
  it('the Price List of the region, dated; then the same from the disk cache', async () => {
    expect(prices(await doctor())).toEqual({
      id: 'prices',
      label: 'Prices',
      status: 'pass',
      value: 'AWS Price List of eu-west-1, fetched 2026-12-05 (just now)',
    });
    clock.advance(3_600_000);
    expect(prices(await doctor())?.value).toBe(
      'AWS Price List of eu-west-1, fetched 2026-12-05 (from the disk cache, kept 24 h)',
    );
    expect(asked).toEqual(['eu-west-1', 'eu-west-1']);
  });

  it('a refused pricing:GetProducts: the bundled table, said plainly, with the IAM fix', async () => {
    fake.failOperation('regionProducts', 'AccessDeniedException');
    expect(prices(await doctor())).toEqual({
      id: 'prices',
      label: 'Prices',
      status: 'warn',
      value:
        'bundled us-east-1 table of 2025-06-15, offline: AWS refused the Price List call (pricing:GetProducts is not allowed for these credentials)',
      fix: 'Allow pricing:GetProducts in their IAM policy (the policy on the Launch page has it).',
    });
  });

  it('offline with an old copy: the copy, its date and why it is not fresh', async () => {
    await doctor();
    clock.advance(PRICE_CACHE_TTL_MS + 60_000);
    fake.failOperation('regionProducts', 'ThrottlingException');
    const line = prices(await doctor())!;
    expect(line.status).toBe('warn');
    expect(line.value).toMatch(/^AWS Price List of eu-west-1, fetched 2026-12-05 \(a stale copy: .+\)$/);
    expect(line.fix).toMatch(/\S/);
  });

  it('without credentials or a region nothing is asked, and the line says which table is used', async () => {
    const { AWS_ACCESS_KEY_ID: _, AWS_SECRET_ACCESS_KEY: __, ...regionOnly } = CREDENTIALS;
    expect(prices(await doctor(regionOnly))).toEqual({
      id: 'prices',
      label: 'Prices',
      status: 'info',
      value: 'bundled us-east-1 table of 2025-06-15 (no credentials: the Price List is not asked)',
    });
    expect(prices(await doctor({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 's' }))?.value).toBe(
      'bundled us-east-1 table of 2025-06-15 (no region: the Price List is not asked)',
    );
    expect(asked).toEqual([]);
  });
});
