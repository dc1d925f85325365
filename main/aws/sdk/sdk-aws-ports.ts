import type { AwsSettings } from '../client-factory';
import {
  createEc2Client,
  createElbv2Client,
  createIamClient,
  createPricingClient,
  createS3Client,
  createServiceQuotasClient,
  createSsmClient,
  createStsClient,
} from '../client-factory';
import type { AwsPorts, Ec2Port } from '../ports/aws-ports';
import {
  createBucketAdapter,
  createIdentityAdapter,
  createParameterAdapter,
  createQuotaAdapter,
} from './account-adapters';
import { createEc2CleanupAdapter } from './ec2-cleanup-adapter';
import { createEc2InventoryAdapter, createRegionListAdapter } from './ec2-inventory-adapter';
import { createEc2LaunchAdapter } from './ec2-launch-adapter';
import { createEc2SpotPriceAdapter } from './ec2-spot-price-adapter';
import { createInstanceRoleAdapter } from './iam-adapter';
import { createPriceListAdapter } from './price-list-adapter';
import { createScopedCredentialsAdapter } from './sts-scoped-credentials-adapter';

/** Caches one value per region: clients keep connection pools worth reusing. */
function perRegion<T>(make: (region: string) => T): (region: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    let value = cache.get(region);
    if (!value) cache.set(region, (value = make(region)));
    return value;
  };
}

/**
 * The real ports: SDK clients from the one client factory (profile, credentials chain,
 * retries with throttling backoff, endpoint overrides), one set per region.
 */
export function createSdkAwsPorts(settings: AwsSettings): AwsPorts {
  const at = (region: string): AwsSettings => ({ ...settings, region });
  return {
    identity: createIdentityAdapter(createStsClient(settings)),
    regions: createRegionListAdapter(createEc2Client(settings)),
    instanceRole: createInstanceRoleAdapter(createIamClient(settings)),
    scopedCredentials: createScopedCredentialsAdapter(
      createStsClient(settings),
      settings.profile ? { profile: settings.profile } : {},
    ),
    priceList: createPriceListAdapter(createPricingClient(settings)),
    ec2: perRegion((region): Ec2Port => {
      const ec2 = createEc2Client(at(region));
      const elb = createElbv2Client(at(region));
      return {
        ...createEc2InventoryAdapter(ec2, elb),
        ...createEc2CleanupAdapter(ec2, elb),
        ...createEc2LaunchAdapter(ec2),
        ...createEc2SpotPriceAdapter(ec2),
      };
    }),
    bucket: perRegion((region) => createBucketAdapter(createS3Client(at(region), { maxSockets: 4 }))),
    quotas: perRegion((region) => createQuotaAdapter(createServiceQuotasClient(at(region)))),
    parameters: perRegion((region) => createParameterAdapter(createSsmClient(at(region)))),
  };
}
