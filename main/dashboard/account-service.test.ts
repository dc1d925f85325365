import { describe, expect, it } from 'vitest';

import { demoAccount } from '../aws/fake/demo-account';
import { FakeAws } from '../aws/fake/fake-aws';
import { FakeClock } from '../aws/testing/fake-clock';
import type { LifecycleDeps } from '../lifecycle/lifecycle-deps';
import { AccountService } from './account-service';

function service(fake: FakeAws): AccountService {
  const deps = { ports: () => fake.ports(), env: {} } as unknown as LifecycleDeps;
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
});
