import type { BucketPort, IdentityPort, InstanceRolePort, ParameterPort, QuotaPort } from './account-ports';
import type { Ec2CleanupPort } from './ec2-cleanup-port';
import type { Ec2InventoryPort, RegionListPort } from './ec2-inventory-port';
import type { Ec2LaunchPort } from './ec2-launch-port';
import type { Ec2SpotPricePort } from './ec2-spot-price-port';
import type { PriceListPort } from './price-list-port';
import type { ScopedCredentialsPort } from './scoped-credentials-port';

/** Every EC2 call the lifecycle makes in one region. */
export type Ec2Port = Ec2InventoryPort & Ec2CleanupPort & Ec2LaunchPort & Ec2SpotPricePort;

/**
 * Everything the lifecycle needs from AWS, per region where it matters. Built from the SDK
 * by `createSdkAwsPorts`, or by the in-memory fake for tests, the bench and the UI tests.
 */
export interface AwsPorts {
  identity: IdentityPort;
  regions: RegionListPort;
  instanceRole: InstanceRolePort;
  /** Short-lived, prefix-scoped credentials for machines without an instance role (ssh-host, local). */
  scopedCredentials: ScopedCredentialsPort;
  /** AWS's published prices of a region (the Price List API). */
  priceList: PriceListPort;
  ec2(region: string): Ec2Port;
  bucket(region: string): BucketPort;
  quotas(region: string): QuotaPort;
  parameters(region: string): ParameterPort;
}
