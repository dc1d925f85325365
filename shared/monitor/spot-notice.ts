import type { SpotInterruption } from './health';

/** IMDS base address (link-local, answers only on the instance). */
export const IMDS_BASE = 'http://169.254.169.254';
/**
 * The AWS SDKs' and CLI's variable that moves IMDS (e.g. to EC2's IPv6 address `http://[fd00:ec2::254]`);
 * the instance's SDK reads its role keys there, so TrainDeck's spot checks ask the same place.
 */
export const IMDS_ENDPOINT_ENV = 'AWS_EC2_METADATA_SERVICE_ENDPOINT';

/** Where this machine's IMDS answers: {@link IMDS_ENDPOINT_ENV} when set (without a trailing slash), else {@link IMDS_BASE}. */
export function imdsBaseOf(env: Record<string, string | undefined>): string {
  const set = env[IMDS_ENDPOINT_ENV]?.trim();
  return set ? set.replace(/\/+$/, '') : IMDS_BASE;
}

/** The spot interruption notice: 404 until AWS schedules the instance's end. */
export const SPOT_ACTION_PATH = '/latest/meta-data/spot/instance-action';
/** IMDSv2 session token endpoint (PUT first: instances are launched with IMDSv2 required). */
export const IMDS_TOKEN_PATH = '/latest/api/token';

/**
 * Parses the body of the instance-action document, `{"action":"terminate","time":"…Z"}`.
 * Anything else (HTML error page, empty, garbage) → undefined: never a false alarm.
 */
export function parseSpotAction(body: string): SpotInterruption | undefined {
  try {
    const value: unknown = JSON.parse(body.trim());
    if (!value || typeof value !== 'object') return undefined;
    const { action, time } = value as Record<string, unknown>;
    return typeof action === 'string' && typeof time === 'string' ? { action, time } : undefined;
  } catch {
    return undefined;
  }
}
