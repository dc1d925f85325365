import { existsSync } from 'node:fs';

import type { PowerOff } from '../../shared/executor/protocol';
import { runProcess } from './run-process';

/** Files that only exist on a machine booted by cloud-init (every EC2 AMI TrainDeck uses). */
const CLOUD_MARKERS = ['/var/lib/cloud/instance/boot-finished', '/var/lib/cloud/instance'];

/**
 * Whether a real power-off may run here: only with `--on-instance` AND a cloud-init marker.
 * A desktop, a CI machine or an ssh-host box never satisfies both by accident, so a test
 * (or a user's own GPU box) is never shut down.
 */
export function mayPowerOffMachine(onInstance: boolean, markers: string[] = CLOUD_MARKERS): boolean {
  return onInstance && markers.some((path) => existsSync(path));
}

/** Runs the configured power-off. `system` without the guard is refused and reported, never run. */
export async function powerOff(action: PowerOff, onInstance: boolean): Promise<string> {
  if (action.kind === 'none') return 'power-off not configured';
  if (action.kind === 'command') {
    const result = await runProcess(action.argv, { timeoutMs: 30_000 });
    return `power-off command exited with ${result.code}`;
  }
  if (!mayPowerOffMachine(onInstance)) {
    return 'power-off refused: not running on a TrainDeck instance (needs --on-instance and cloud-init)';
  }
  // -P: power off (EC2 then terminates, InstanceInitiatedShutdownBehavior=terminate).
  const asRoot = process.getuid?.() === 0;
  const result = await runProcess([...(asRoot ? [] : ['sudo', '-n']), 'shutdown', '-P', 'now'], { timeoutMs: 30_000 });
  return `shutdown exited with ${result.code}`;
}
