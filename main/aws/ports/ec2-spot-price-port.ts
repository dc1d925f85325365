import type { SpotPricePoint } from '../../../shared/pricing/spot-history';
import type { CallOptions } from './ec2-types';

/** What a finished spot run reads to price its instance, in one region. */
export interface Ec2SpotPricePort {
  /**
   * Linux/UNIX spot prices of `instanceType` between `from` and `to`, in `availabilityZone`
   * or, when it is undefined, in every zone of the region. Complete (pages flattened), in no
   * particular order; as EC2 does, it includes the last change before `from` (the price in
   * effect then). Empty when EC2 has no history for it.
   */
  spotPriceHistory(
    instanceType: string,
    availabilityZone: string | undefined,
    from: Date,
    to: Date,
    options?: CallOptions,
  ): Promise<SpotPricePoint[]>;
}
