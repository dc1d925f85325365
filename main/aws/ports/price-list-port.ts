import type { PriceListProduct } from '../../../shared/pricing/price-list';
import type { CallOptions } from './ec2-types';

/** What the AWS Price List API answers for one region (the API itself answers from us-east-1). */
export interface PriceListPort {
  /**
   * Every product TrainDeck prices in `region`: EC2 on-demand Linux instances (shared tenancy),
   * EBS storage, IOPS and throughput, EBS snapshots, and the VPC's public IPv4 addresses; pages
   * flattened, unreadable entries dropped. Throws the SDK's error (AccessDeniedException without
   * `pricing:GetProducts`).
   */
  regionProducts(region: string, options?: CallOptions): Promise<PriceListProduct[]>;
}
