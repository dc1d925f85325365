import { setTimeout as delay } from 'node:timers/promises';

import type { SpotInterruption } from '../../shared/monitor/health';
import { IMDS_BASE, IMDS_TOKEN_PATH, parseSpotAction, SPOT_ACTION_PATH } from '../../shared/monitor/spot-notice';

const TOKEN_TTL_SECONDS = 21_600;
const REQUEST_TIMEOUT_MS = 2000;

/** The part of `fetch` the watch uses (injected by tests; the global fetch on the instance). */
export type ImdsFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Settings of {@link watchSpotInterruption}. */
export interface SpotWatchOptions {
  /** Called once, as soon as AWS announces the interruption (about two minutes ahead). */
  onInterruption: (notice: SpotInterruption) => void;
  /** Ends the watch (training ended normally). */
  signal: AbortSignal;
  /** Where IMDS answers; a loopback server in tests. Default: EC2's link-local address. */
  imdsBase?: string | undefined;
  fetch?: ImdsFetch;
  /** How often to ask IMDS. Default 5 s: the notice gives two minutes, a push needs most of them. */
  intervalMs?: number | undefined;
  /** Waits between polls; rejects when the signal aborts. Default: an unref'd timer (never keeps the executor alive). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The executor's spot watch, on the instance: polls IMDSv2 (token PUT first, as IMDSv2 is required;
 * the token is reused until IMDS answers 401) for the spot interruption notice and calls `onInterruption`
 * the moment it appears, so the executor can stop training and start its push at once. Start it when
 * training starts; abort `signal` when training ends. Resolves with the notice, or undefined when aborted.
 * Errors (IMDS unreachable off EC2, throttling) are retried at the next interval, never thrown; a body
 * that is not the instance-action document is never a notice. (The desktop's own check over SSH is
 * `checkSpotOverShell` in main/monitor.)
 */
export async function watchSpotInterruption(options: SpotWatchOptions): Promise<SpotInterruption | undefined> {
  const fetchFn: ImdsFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal, ref: false }));
  const base = options.imdsBase ?? IMDS_BASE;
  let token: string | undefined;
  while (!options.signal.aborted) {
    try {
      const request = (path: string, method: string, headers: Record<string, string>) =>
        fetchFn(`${base}${path}`, {
          method,
          headers,
          signal: AbortSignal.any([options.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
      if (!token) {
        const response = await request(IMDS_TOKEN_PATH, 'PUT', {
          'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS),
        });
        if (response.status === 200) token = (await response.text()).trim();
      }
      if (token) {
        const response = await request(SPOT_ACTION_PATH, 'GET', { 'X-aws-ec2-metadata-token': token });
        if (response.status === 401) token = undefined;
        const notice = response.status === 200 ? parseSpotAction(await response.text()) : undefined;
        if (notice) {
          options.onInterruption(notice);
          return notice;
        }
      }
    } catch {
      // IMDS down or slow: try again next interval.
    }
    try {
      await sleep(options.intervalMs ?? 5000, options.signal);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
