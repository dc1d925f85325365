import { awsError } from './fake-error';

/**
 * A launch refusal injected into a fake region: RunInstances of `instanceType` (any type when
 * omitted) in `zone` (any zone when omitted) on `market` (either when omitted) fails with `code`
 * and creates nothing, as EC2 does when a zone has no room. The first matching refusal wins.
 */
export interface LaunchRefusal {
  zone?: string;
  instanceType?: string;
  market?: 'on-demand' | 'spot';
  code:
    'InsufficientInstanceCapacity' | 'InsufficientCapacity' | 'UnfulfillableCapacity' | 'SpotMaxPriceTooLow' | string;
}

// EC2's own wording for the usual refusals (other codes get a generic sentence).
const MESSAGES: Record<string, (type: string, zone: string) => string> = {
  InsufficientInstanceCapacity: (type, zone) =>
    `We currently do not have sufficient ${type} capacity in the Availability Zone you requested (${zone}). ` +
    'Our system will be working on provisioning additional capacity.',
  Unsupported: (type, zone) =>
    `Your requested instance type (${type}) is not supported in your requested Availability Zone (${zone}). ` +
    'Please retry your request by not specifying an Availability Zone or choosing another zone.',
  InsufficientCapacity: (type, zone) => `There is not enough capacity for ${type} in ${zone}.`,
  UnfulfillableCapacity: (type, zone) =>
    `At this time there isn't enough spare capacity to fulfill your request for Spot Instances of ${type} in ${zone}.`,
  SpotMaxPriceTooLow: (type, zone) =>
    `Your Spot request price is lower than the minimum required Spot request fulfillment price for ${type} in ${zone}.`,
};

/** Throws the first injected refusal that matches this launch; returns when none does. */
export function refuseLaunch(
  refusals: readonly LaunchRefusal[],
  launch: { zone: string; instanceType: string; market: 'on-demand' | 'spot' },
): void {
  const refusal = refusals.find(
    (r) =>
      (r.zone === undefined || r.zone === launch.zone) &&
      (r.instanceType === undefined || r.instanceType === launch.instanceType) &&
      (r.market === undefined || r.market === launch.market),
  );
  if (!refusal) return;
  const message = MESSAGES[refusal.code]?.(launch.instanceType, launch.zone) ?? `Injected refusal ${refusal.code}.`;
  throw awsError(refusal.code, message);
}
