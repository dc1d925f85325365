import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { describePriceOrigin, PRICE_TABLE } from '../../../shared/pricing/price-table';
import { FakeAws } from '../../aws/fake/fake-aws';
import { fakeRegionFactor } from '../../aws/fake/fake-price-list';
import { FakeClock } from '../../aws/testing/fake-clock';
import { PRICE_CACHE_TTL_MS, PriceSource } from './price-source';

let dataDir: string;
let clock: FakeClock;
let fake: FakeAws;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'traindeck-prices-'));
  clock = new FakeClock(Date.parse('2026-12-05T21:00:00Z'));
  fake = new FakeAws({ clock, regions: ['us-east-1', 'eu-west-1'] });
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const source = () => new PriceSource({ dataDir, clock, priceList: () => fake.ports().priceList });
const EU = { region: 'eu-west-1' };
const fetches = () => fake.calls.filter((c) => c === 'global regionProducts').length;
const cacheFile = () => join(dataDir, 'prices', 'eu-west-1.json');

describe('PriceSource', () => {
  it("prices the region with AWS's figures and says when they were fetched", async () => {
    const table = await source().forRegion(EU);
    expect(table.origin).toEqual({ source: 'live', region: 'eu-west-1', asOf: '2026-12-05T21:00:00.000Z' });
    expect(table.instanceHourly['g5.xlarge']).toBeCloseTo(
      PRICE_TABLE.instanceHourly['g5.xlarge']! * fakeRegionFactor('eu-west-1'),
      6,
    );
    expect(table.instanceHourly['g5.xlarge']).not.toBe(PRICE_TABLE.instanceHourly['g5.xlarge']);
    expect(describePriceOrigin(table.origin)).toBe('AWS prices of eu-west-1 fetched 2026-12-05.');
  });

  it('answers from the disk cache until the TTL, then fetches again (a new app start included)', async () => {
    await source().forRegion(EU);
    clock.advance(PRICE_CACHE_TTL_MS - 1);
    const cached = await source().forRegion(EU);
    expect(cached.origin).toMatchObject({ source: 'cache', asOf: '2026-12-05T21:00:00.000Z' });
    expect(fetches()).toBe(1);
    clock.advance(2);
    expect((await source().forRegion(EU)).origin?.source).toBe('live');
    expect(fetches()).toBe(2);
  });

  it('shares one fetch among concurrent asks and leaves one whole cache file', async () => {
    const prices = source();
    const tables = await Promise.all(Array.from({ length: 8 }, () => prices.forRegion(EU)));
    expect(fetches()).toBe(1);
    expect(new Set(tables.map((t) => t.instanceHourly['g5.xlarge'])).size).toBe(1);
    // Two app instances at once: each writes whole files, the last one wins, a reader sees JSON.
    await Promise.all([source().forRegion({ region: 'us-east-1' }), source().forRegion({ region: 'us-east-1' })]);
    expect(JSON.parse(await readFile(join(dataDir, 'prices', 'us-east-1.json'), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('refetches over a corrupt cache file instead of trusting or failing on it', async () => {
    await mkdir(join(dataDir, 'prices'), { recursive: true });
    for (const junk of [
      '{"version":1,"region":"eu-west-1"',
      '{"version":1,"region":"eu-west-1","fetchedAt":"2026-12-05T20:00:00Z","table":{"instanceHourly":{"g5.xlarge":"NaN"}}}',
      '',
    ]) {
      await writeFile(cacheFile(), junk);
      expect((await source().forRegion(EU)).origin?.source).toBe('live');
    }
    expect(fetches()).toBe(3);
  });

  it('refused (no pricing:GetProducts): the bundled table, saying so with the fix', async () => {
    fake.failOperation('regionProducts', 'AccessDeniedException');
    const table = await source().forRegion(EU);
    expect(table.instanceHourly).toEqual(PRICE_TABLE.instanceHourly);
    expect(table.origin).toMatchObject({ source: 'bundled', region: 'eu-west-1' });
    expect(describePriceOrigin(table.origin)).toBe(
      'Bundled us-east-1 prices of 2025-06-15; live prices unavailable: AWS refused the Price List call ' +
        '(pricing:GetProducts is not allowed for these credentials). Allow pricing:GetProducts in their IAM policy ' +
        '(the policy on the Launch page has it).',
    );
  });

  it('offline with a stale copy: the copy, dated, with why; the failure is remembered for a few minutes', async () => {
    const prices = source();
    await prices.forRegion(EU);
    clock.advance(PRICE_CACHE_TTL_MS * 3);
    fake.failOperation('regionProducts', 'ECONNREFUSED');
    const stale = await prices.forRegion(EU);
    expect(stale.origin).toMatchObject({ source: 'cache', asOf: '2026-12-05T21:00:00.000Z' });
    expect(stale.origin?.problem).toBeTruthy();
    expect(describePriceOrigin(stale.origin)).toMatch(
      /^AWS prices of eu-west-1 fetched 2026-12-05; live prices unavailable: .+\. .+\.$/,
    );
    await prices.forRegion(EU);
    expect(fetches()).toBe(2);
  });

  it('an answer with no instance prices is no answer: bundled, with why', async () => {
    const table = await new PriceSource({
      dataDir,
      clock,
      priceList: () => ({ regionProducts: async () => [] }),
    }).forRegion(EU);
    expect(table.origin).toMatchObject({
      source: 'bundled',
      problem: 'the Price List answered no instance prices for eu-west-1.',
    });
    expect(describePriceOrigin(table.origin)).not.toMatch(/\.\./);
  });

  it('a cache folder that cannot be written costs a refetch, never the prices', async () => {
    await writeFile(join(dataDir, 'prices'), 'a file where the folder should be');
    expect((await source().forRegion(EU)).origin?.source).toBe('live');
  });
});
