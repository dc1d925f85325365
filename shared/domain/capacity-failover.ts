/**
 * Capacity failover: the order in which a launch tries zones, instance types and markets when
 * EC2 has no room, which refusals move on to the next placement, and how the attempts read.
 */

/** The market of one attempt. */
export type LaunchMarket = 'on-demand' | 'spot';

/** One place a launch may try: an instance type in a zone, on a market. */
export interface PlacementCandidate {
  instanceType: string;
  zone: string;
  market: LaunchMarket;
}

/**
 * The EC2 error codes that mean "not here, not now" (the request was fine, this zone, type or
 * market cannot take it), after which the next placement is tried. RunInstances answers these
 * synchronously and creates nothing. The lower-case ones are spot request status codes, which
 * an adapter may surface as the code of a refused spot launch.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */
const REFUSALS: Record<string, 'no capacity' | 'type not offered in this zone' | 'spot price above the maximum'> = {
  InsufficientInstanceCapacity: 'no capacity',
  InsufficientCapacity: 'no capacity',
  UnfulfillableCapacity: 'no capacity',
  'capacity-not-available': 'no capacity',
  'capacity-oversubscribed': 'no capacity',
  Unsupported: 'type not offered in this zone',
  SpotMaxPriceTooLow: 'spot price above the maximum',
  'price-too-low': 'spot price above the maximum',
};

/** True when an EC2 error code is a capacity refusal: the next placement is tried; any other error stops the launch. */
export function isCapacityRefusal(code: string): boolean {
  return Object.hasOwn(REFUSALS, code);
}

/** Few words for a refusal ("no capacity"), or the code itself for any other error. */
export function refusalWords(code: string): string {
  return Object.hasOwn(REFUSALS, code) ? REFUSALS[code]! : code;
}

/** One instance type with the zones (of the default VPC's subnets) that offer it, in the order to try them. */
export interface FailoverType {
  instanceType: string;
  zones: string[];
}

/**
 * The documented order: every zone of the first type, then every zone of each alternative type,
 * all on the configured market; then, for spot with `fallbackOnDemand`, the same again on-demand.
 * At most zones × types × 2 candidates, each once.
 */
export function failoverOrder(
  types: FailoverType[],
  market: LaunchMarket,
  fallbackOnDemand: boolean,
): PlacementCandidate[] {
  const markets: LaunchMarket[] = market === 'spot' && fallbackOnDemand ? ['spot', 'on-demand'] : [market];
  const seen = new Set<string>();
  const order: PlacementCandidate[] = [];
  for (const m of markets) {
    for (const type of types) {
      for (const zone of type.zones) {
        const key = `${m}/${type.instanceType}/${zone}`;
        if (seen.has(key)) continue;
        seen.add(key);
        order.push({ instanceType: type.instanceType, zone, market: m });
      }
    }
  }
  return order;
}

/** What became of one attempt: launched, refused for capacity (nothing created), or failed otherwise (the launch stops). */
export type AttemptOutcome = 'launched' | 'refused' | 'failed';

/** One attempt of a launch, as journaled and reported. */
export interface LaunchAttempt extends PlacementCandidate {
  /** 1 for the first attempt. */
  n: number;
  outcome: AttemptOutcome;
  /** The EC2 error code of a refused or failed attempt. */
  code?: string;
  /** EC2's own message of a refused or failed attempt. */
  message?: string;
  /** The instance of a launched attempt. */
  instanceId?: string;
}

/**
 * The attempts on one line: "us-east-1a: no capacity → us-east-1b: launched". The type and the
 * market are named only when the attempts differ in them.
 */
export function formatAttempts(attempts: ReadonlyArray<Omit<LaunchAttempt, 'n'> | LaunchAttempt>): string {
  const types = new Set(attempts.map((a) => a.instanceType)).size > 1;
  const markets = new Set(attempts.map((a) => a.market)).size > 1;
  return attempts
    .map((a) => {
      const where = [a.zone, types ? a.instanceType : '', markets ? a.market : ''].filter(Boolean).join(' ');
      const what = a.outcome === 'launched' ? 'launched' : refusalWords(a.code ?? 'error');
      return `${where}: ${what}`;
    })
    .join(' → ');
}

/** One attempt on its own line (the report): "eu-west-1b g5.xlarge spot: no capacity (InsufficientInstanceCapacity)". */
export function attemptLine(attempt: LaunchAttempt): string {
  const where = `${attempt.zone} ${attempt.instanceType} ${attempt.market}`;
  if (attempt.outcome === 'launched') return `${where}: launched${attempt.instanceId ? ` ${attempt.instanceId}` : ''}`;
  const words = refusalWords(attempt.code ?? 'error');
  return `${where}: ${words}${attempt.code && words !== attempt.code ? ` (${attempt.code})` : ''}`;
}
