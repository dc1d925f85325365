import { describe, expect, it } from 'vitest';

import { regionRefusal } from '../aws/aws-error-codes';
import { demoAccount } from '../aws/fake/demo-account';
import { FakeAws } from '../aws/fake/fake-aws';
import { FakeClock } from '../aws/testing/fake-clock';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { AccountService } from './account-service';

function service(fake: FakeAws): AccountService {
  const deps = { ports: () => fake.ports(), env: {}, clock: fake.options.clock } as unknown as LifecycleDeps;
  return new AccountService(deps);
}

describe('the wizard’s first step asks AWS the right questions', () => {
  it('a region not enabled for the account fails the identity step with how to enable it', async () => {
    const account = service(demoAccount(new FakeClock(), 0));
    await expect(account.identity({ region: 'eu-west-1' })).resolves.toMatchObject({ account: '123456789012' });
    const refused = await account.identity({ region: 'ap-southeast-4' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      message: 'ap-southeast-4 is not enabled for account 123456789012.',
      fix: expect.stringContaining('Account → AWS Regions → ap-southeast-4 → Enable'),
    });
  });

  it('a region missing from the enabled regions is not enabled either (as DescribeRegions reports opt-in regions)', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    await expect(service(fake).identity({ region: 'me-central-1' })).rejects.toThrow(/me-central-1 is not enabled/);
  });

  it('instance types whose offering could not be checked say why', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    fake.failOperation('offeredZones', 'UnauthorizedOperation');
    const types = await service(fake).instanceTypes({ region: 'eu-west-1' });
    expect(types.length).toBeGreaterThan(5);
    for (const type of types) {
      expect(type.offered).toBeUndefined();
      expect(type.unknownBecause, type.type).toMatch(/\S/);
    }
    fake.clearFault('offeredZones');
    const known = await service(fake).instanceTypes({ region: 'eu-west-1' });
    expect(known.every((t) => t.offered !== undefined && t.unknownBecause === undefined)).toBe(true);
  });

  it('prices the picker and the estimate with the region own prices, and the spot price of each zone now', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    const types = await service(fake).instanceTypes({ region: 'eu-west-1' });
    const prices = await service(fake).prices({ region: 'eu-west-1' }, 'g5.xlarge');
    expect(prices.table.origin).toMatchObject({ source: 'live', region: 'eu-west-1' });
    expect(types.find((t) => t.type === 'g5.xlarge')?.hourlyUsd).toBe(prices.table.instanceHourly['g5.xlarge']);
    expect(prices.spotZones?.map((z) => z.zone).sort()).toEqual(fake.regions.get('eu-west-1')!.zones.slice().sort());
    const spot = prices.spotZones!.map((z) => z.usdPerHour);
    expect(spot).toEqual([...spot].sort((a, b) => a - b));
    expect(spot.every((usd) => usd > 0 && usd < prices.table.instanceHourly['g5.xlarge']!)).toBe(true);
  });

  it('the picker has each type’s newest spot price per zone, the same as the estimate’s, or says why not', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    const types = await service(fake).instanceTypes({ region: 'eu-west-1' });
    const g5 = types.find((t) => t.type === 'g5.xlarge')!;
    const prices = await service(fake).prices({ region: 'eu-west-1' }, 'g5.xlarge');
    expect(g5.spotZones).toEqual(prices.spotZones);
    expect(types.every((t) => (t.spotZones?.length ?? 0) > 0 && t.spotUnknownBecause === undefined)).toBe(true);
    fake.failOperation('spotPriceHistory', 'UnauthorizedOperation');
    const denied = await service(fake).instanceTypes({ region: 'eu-west-1' });
    for (const type of denied) {
      expect(type.spotZones, type.type).toBeUndefined();
      expect(type.spotUnknownBecause, type.type).toMatch(/\S\.$/);
    }
  });

  it('a refused Price List call prices with the bundled table and says why, and a type with no spot history says so', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: ['eu-west-1'] });
    fake.failOperation('regionProducts', 'AccessDeniedException');
    const prices = await service(fake).prices({ region: 'eu-west-1' }, 'z9.unknown');
    expect(prices.table.origin).toMatchObject({
      source: 'bundled',
      fix: expect.stringContaining('pricing:GetProducts'),
    });
    expect(prices.spotProblem).toBe('EC2 has no spot price of z9.unknown in eu-west-1 for the last day.');
  });
});

describe('the demo account agrees with itself (TRAINDECK_FAKE_AWS=1)', () => {
  it('a region it lists as enabled never refuses as not opted in; one that refuses so is marked not enabled', async () => {
    const fake = demoAccount(new FakeClock(), 0);
    const { regions, problem } = await service(fake).regions({ askIn: 'eu-west-1' });
    expect(problem).toBeUndefined();
    const marked = new Map(regions.map((r) => [r.code, r.enabled]));
    expect(marked.get('ap-southeast-4')).toBe(false);
    for (const code of ['eu-west-1', 'us-east-1', 'us-west-2', 'sa-east-1']) expect(marked.get(code), code).toBe(true);
    const listed = await fake.ports().regions.listEnabledRegions();
    for (const code of listed) {
      const answer = await fake
        .ports()
        .ec2(code)
        .listOurKeyPairs()
        .then(
          () => 'answers',
          (error: unknown) => regionRefusal(error),
        );
      expect(answer, code).not.toBe('not opted in');
    }
    // The wizard's step 1 says the same of each: enabled ones pass, the not-enabled one says how to enable it.
    await expect(service(fake).identity({ region: 'sa-east-1' })).resolves.toMatchObject({ account: '123456789012' });
    await expect(service(fake).identity({ region: 'ap-southeast-4' })).rejects.toThrow(/not enabled for account/);
  });
});
