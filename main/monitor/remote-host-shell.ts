import type { RemoteHost } from '../runs/pipeline/remote-host';
import type { RemoteShell } from './remote-shell';

/**
 * The monitor's {@link RemoteShell} over the run pipeline's connected {@link RemoteHost}
 * (ssh2 in main/ssh, or the local host): the monitor shares the pipeline's SSH session
 * instead of opening its own. A dropped link rejects with the pipeline's ConnectionLost;
 * the monitor skips that sample and the pipeline reconnects.
 */
export function remoteHostShell(host: RemoteHost): RemoteShell {
  return { exec: (command, { signal, timeoutMs }) => host.exec(command, { timeoutMs, ...(signal ? { signal } : {}) }) };
}
