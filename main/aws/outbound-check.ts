import type { MetadataBearer, MiddlewareStack } from '@smithy/types';

/** A request about to leave this process: which client sends it, and to which host. */
export interface OutboundRequest {
  /** Readable client name, e.g. "the Price List client (GetProducts)". */
  client: string;
  host: string;
}

/** Throws to stop a request before it is sent (the test setup's loopback-only rule). */
export type OutboundCheck = (request: OutboundRequest) => void;

// On globalThis, not in a module variable: the check set by the test setup must reach every copy of
// this module a test process may load (sources and a bundle alike).
const CHECK = Symbol.for('traindeck.outbound-check');
type WithCheck = { [CHECK]?: OutboundCheck };

/**
 * Sets (or with undefined, removes) the check every AWS request of this process passes before it
 * is sent. The product never sets one; the vitest setup (main/aws/testing/loopback-only.setup.ts)
 * refuses every host that is not loopback, so no test reaches AWS itself.
 */
export function setOutboundCheck(check: OutboundCheck | undefined): void {
  if (check) (globalThis as WithCheck)[CHECK] = check;
  else delete (globalThis as WithCheck)[CHECK];
}

/** Runs the check in force (if any) on a request `client` is about to send to `host`; throws when it is refused. */
export function checkOutbound(client: string, host: string): void {
  (globalThis as WithCheck)[CHECK]?.({ client, host });
}

/**
 * Adds a middleware that runs {@link checkOutbound} on each request of the client once its endpoint is
 * resolved (build step: the host is known, nothing has been sent and no retry has begun).
 */
export function checkOutboundRequests<
  I extends object,
  O extends MetadataBearer,
  C extends { middlewareStack: MiddlewareStack<I, O> },
>(client: C, clientName: string): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const host = (args.request as { hostname?: unknown } | undefined)?.hostname;
      if (typeof host === 'string') {
        checkOutbound(`the ${clientName} client (${(context.commandName ?? 'call').replace(/Command$/, '')})`, host);
      }
      return next(args);
    },
    { step: 'build', name: 'traindeckOutboundCheck', priority: 'high' },
  );
  return client;
}
