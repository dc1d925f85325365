import { type _InstanceType, type EC2Client, paginateDescribeSpotPriceHistory } from '@aws-sdk/client-ec2';

import type { SpotPricePoint } from '../../../shared/pricing/spot-history';
import type { Ec2SpotPricePort } from '../ports/ec2-spot-price-port';
import { sendOptions } from './sdk-tags';

/** The spot price port over the SDK: DescribeSpotPriceHistory, every page. */
export function createEc2SpotPriceAdapter(ec2: EC2Client): Ec2SpotPricePort {
  return {
    async spotPriceHistory(instanceType, availabilityZone, from, to, { signal } = {}) {
      const input = {
        ProductDescriptions: ['Linux/UNIX'],
        InstanceTypes: [instanceType as _InstanceType],
        ...(availabilityZone ? { AvailabilityZone: availabilityZone } : {}),
        StartTime: from,
        EndTime: to,
      };
      const points: SpotPricePoint[] = [];
      for await (const page of paginateDescribeSpotPriceHistory(
        { client: ec2, pageSize: 1000 },
        input,
        sendOptions(signal),
      )) {
        for (const price of page.SpotPriceHistory ?? []) {
          const usdPerHour = Number(price.SpotPrice);
          // A point without its zone, time or a readable price cannot be placed on the step function.
          if (price.AvailabilityZone && price.Timestamp && price.SpotPrice && Number.isFinite(usdPerHour)) {
            points.push({ zone: price.AvailabilityZone, t: price.Timestamp.getTime(), usdPerHour });
          }
        }
      }
      return points;
    },
  };
}
