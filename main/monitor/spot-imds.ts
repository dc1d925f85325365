import type { SpotInterruption } from '../../shared/monitor/health';
import { IMDS_BASE, IMDS_TOKEN_PATH, parseSpotAction, SPOT_ACTION_PATH } from '../../shared/monitor/spot-notice';
import { realSleep, type Sleep } from '../core/sleep';
import type { RemoteShell } from '../host/remote-host';

const TOKEN_TTL_SECONDS = 21_600;
const REQUEST_TIMEOUT_MS = 2000;

/**
 * The desktop's check over SSH: token PUT, then the notice, printing the body and the HTTP
 * status on the last line. Short curl timeouts: IMDS answers in milliseconds or not at all.
 */
export function spotCheckCommand(): string {
  const token = `curl -s -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: ${TOKEN_TTL_SECONDS}' ${IMDS_BASE}${IMDS_TOKEN_PATH}`;
  return `t=$(${token}) && curl -s -m 2 -w '\\n%{http_code}' -H "X-aws-ec2-metadata-token: $t" ${IMDS_BASE}${SPOT_ACTION_PATH}`;
}

/** Reads the notice through the run's shell; undefined when none is scheduled or IMDS is unreachable. */
export async function checkSpotOverShell(
  shell: RemoteShell,
  signal?: AbortSignal,
): Promise<SpotInterruption | undefined> {
  const { stdout, code } = await shell.exec(spotCheckCommand(), { signal, timeoutMs: 10_000 });
  if (code !== 0) return undefined;
  const lines = stdout.trimEnd().split('\n');
  const status = lines.pop();
  return status === '200' ? parseSpotAction(lines.join('\n')) : undefined;
}

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
  fetch?: ImdsFetch;
  /** How often to ask IMDS. Default 5 s: the notice gives two minutes, a push needs most of them. */
  intervalMs?: number;
  sleep?: Sleep;
}

/**
 * For the executor, on the instance: polls IMDSv2 (token PUT first, as IMDSv2 is required)
 * for the spot interruption notice and calls `onInterruption` the moment it appears, so the
 * executor can stop training and start its push at once. Start it when training starts;
 * abort `signal` when training ends. Resolves with the notice, or undefined when aborted.
 * Errors (IMDS unreachable off EC2, throttling) are retried at the next interval, never thrown.
 *
 * ```ts
 * const watch = new AbortController();
 * void watchSpotInterruption({ signal: watch.signal, onInterruption: () => stopTrainingAndPush('spot interruption') });
 * ```
 */
export async function watchSpotInterruption(options: SpotWatchOptions): Promise<SpotInterruption | undefined> {
  const fetchFn: ImdsFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const sleep = options.sleep ?? realSleep;
  let token: string | undefined;
  while (!options.signal.aborted) {
    try {
      const request = (path: string, method: string, headers: Record<string, string>) =>
        fetchFn(`${IMDS_BASE}${path}`, {
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
