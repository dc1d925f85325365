import { TypedError } from '../../../shared/ipc/result';
import type { CallOptions } from '../../aws/ports/ec2-types';

/** Finds the desktop's public IPv4 address, for the /32 SSH rule. */
export interface PublicIpPort {
  publicIpv4(options?: CallOptions): Promise<string>;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Asks AWS's own echo service (plain text, no account needed), with a 5 s limit. */
export function createCheckIpPort(
  url = 'https://checkip.amazonaws.com',
  fetchImpl: typeof fetch = fetch,
): PublicIpPort {
  return {
    async publicIpv4({ signal } = {}) {
      const limit = AbortSignal.timeout(5_000);
      const response = await fetchImpl(url, { signal: signal ? AbortSignal.any([signal, limit]) : limit });
      const text = (await response.text()).trim();
      if (!response.ok || !IPV4.test(text)) {
        throw new TypedError('UNAVAILABLE', `${url} answered ${response.status} "${text.slice(0, 40)}"`);
      }
      return text;
    },
  };
}
