/**
 * The AWS services TrainDeck talks to, by the SDK's service id as used in the standard
 * endpoint variables (`AWS_ENDPOINT_URL_<ID>`). Every client honours these, so the whole
 * app can be pointed at an AWS-compatible emulator.
 */
export const AWS_SERVICE_IDS = [
  'EC2',
  'S3',
  'STS',
  'IAM',
  'SSM',
  'CLOUDWATCH',
  'SERVICE_QUOTAS',
  'ELASTIC_LOAD_BALANCING_V2',
  'PRICING',
] as const;

/** One of {@link AWS_SERVICE_IDS}. */
export type AwsServiceId = (typeof AWS_SERVICE_IDS)[number];

/** An endpoint override and where it came from. */
export interface EndpointOverride {
  service: AwsServiceId | 'ALL';
  url: string;
  source: string;
}

/** The endpoint overrides in force from the environment, most specific first per service. */
export function endpointOverridesFromEnv(env: NodeJS.ProcessEnv): EndpointOverride[] {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return [];
  const overrides: EndpointOverride[] = [];
  if (env.AWS_ENDPOINT_URL) overrides.push({ service: 'ALL', url: env.AWS_ENDPOINT_URL, source: 'AWS_ENDPOINT_URL' });
  for (const service of AWS_SERVICE_IDS) {
    const name = `AWS_ENDPOINT_URL_${service}`;
    const url = env[name];
    if (url) overrides.push({ service, url, source: name });
  }
  return overrides;
}

/** The endpoint override in force for `service`: its own variable first, then AWS_ENDPOINT_URL; none when neither is set. */
export function endpointOverrideFromEnv(service: AwsServiceId, env: NodeJS.ProcessEnv): EndpointOverride | undefined {
  const overrides = endpointOverridesFromEnv(env);
  return overrides.find((o) => o.service === service) ?? overrides.find((o) => o.service === 'ALL');
}
