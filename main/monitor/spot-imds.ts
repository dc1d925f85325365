import type { SpotInterruption } from '../../shared/monitor/health';
import {
  IMDS_BASE,
  IMDS_ENDPOINT_ENV,
  IMDS_TOKEN_PATH,
  parseSpotAction,
  SPOT_ACTION_PATH,
} from '../../shared/monitor/spot-notice';
import type { RemoteShell } from '../host/remote-host';

const TOKEN_TTL_SECONDS = 21_600;

/**
 * The desktop's check over SSH (the executor's own watch on the instance is main/executor/spot-watch.ts): token PUT, then the notice, printing the body and the HTTP
 * status on the last line. Short curl timeouts: IMDS answers in milliseconds or not at all.
 */
export function spotCheckCommand(): string {
  // IMDS where the instance's SDK finds it (imdsBaseOf, in the shell): the variable when set, else EC2's address.
  const base = `b=\${${IMDS_ENDPOINT_ENV}:-${IMDS_BASE}}; b=\${b%/}`;
  const token = `curl -s -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: ${TOKEN_TTL_SECONDS}' "$b${IMDS_TOKEN_PATH}"`;
  return `${base}; t=$(${token}) && curl -s -m 2 -w '\\n%{http_code}' -H "X-aws-ec2-metadata-token: $t" "$b${SPOT_ACTION_PATH}"`;
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
