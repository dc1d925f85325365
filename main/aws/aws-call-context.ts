import type { MetadataBearer, MiddlewareStack } from '@smithy/types';

import type { AwsSettings } from './client-config';
import { type AwsServiceId, endpointOverrideFromEnv } from './endpoints';
import { checkOutboundRequests } from './outbound-check';

/** Which call failed: what an error message needs that the SDK's errors do not carry. */
export interface AwsCall {
  /** Readable service name, e.g. "EC2", "Service Quotas". */
  service: string;
  /** The API operation, e.g. "DescribeInstances". */
  operation: string;
  region: string;
  /** The endpoint override in force, when the client does not talk to AWS itself. */
  endpoint?: string;
  /** Where that override came from: an environment variable, or "settings". */
  endpointSource?: string;
}

const SERVICE_NAMES: Record<AwsServiceId, string> = {
  EC2: 'EC2',
  S3: 'S3',
  STS: 'STS',
  IAM: 'IAM',
  SSM: 'SSM',
  CLOUDWATCH: 'CloudWatch',
  SERVICE_QUOTAS: 'Service Quotas',
  ELASTIC_LOAD_BALANCING_V2: 'Elastic Load Balancing',
  PRICING: 'Price List',
};

// A symbol, not a field: the SDK's error objects stay as they are for every other reader.
const CALL = Symbol.for('traindeck.aws-call');

/** The call an SDK error came from, as recorded by {@link annotateAwsCalls}. */
export function awsCallOf(error: unknown): AwsCall | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  return (error as { [CALL]?: AwsCall })[CALL];
}

/** Records `call` on an error (tests, and errors raised outside a client). */
export function withAwsCall<T>(error: T, call: AwsCall): T {
  if (error !== null && typeof error === 'object' && !awsCallOf(error)) {
    Object.defineProperty(error, CALL, { value: call, enumerable: false, configurable: true });
  }
  return error;
}

/** The endpoint a client of `service` talks to when it is not AWS's: settings first, then the standard variables. */
function endpointOverride(
  service: AwsServiceId,
  settings: Pick<AwsSettings, 'endpoints' | 'env'>,
): { url: string; source: string } | undefined {
  const explicit = settings.endpoints?.[service];
  if (explicit) return { url: explicit, source: 'the endpoint setting' };
  const found = endpointOverrideFromEnv(service, settings.env ?? process.env);
  return found ? { url: found.url, source: found.source } : undefined;
}

/**
 * Adds a middleware, outermost (around retries), that records on every error which service,
 * operation, region and endpoint it came from, so {@link awsFailure} can say so in a sentence.
 * Every client the factories make passes here, so it also gets the outbound check
 * (`outbound-check.ts`: in tests, no request leaves for a host that is not loopback).
 */
export function annotateAwsCalls<
  I extends object,
  O extends MetadataBearer,
  C extends { middlewareStack: MiddlewareStack<I, O> },
>(client: C, service: AwsServiceId, settings: AwsSettings): C {
  const override = endpointOverride(service, settings);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw withAwsCall(error, {
          service: SERVICE_NAMES[service],
          operation: (context.commandName ?? 'call').replace(/Command$/, ''),
          region: settings.region,
          ...(override ? { endpoint: override.url, endpointSource: override.source } : {}),
        });
      }
    },
    { step: 'initialize', name: 'traindeckAwsCallContext', priority: 'high' },
  );
  return checkOutboundRequests<I, O, C>(client, SERVICE_NAMES[service]);
}
