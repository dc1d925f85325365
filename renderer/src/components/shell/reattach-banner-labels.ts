import type { UnfinishedRun } from '../../../../shared/ipc/run-commands';
import { formatHourly } from '../../format/money';

/** "AWS EC2 g5.xlarge", "ubuntu@gpu-box:22 over SSH", "this computer". */
export function whereLabel(run: UnfinishedRun): string {
  if (run.backend === 'aws-ec2') return `AWS EC2${run.instanceType ? ` ${run.instanceType}` : ''}`;
  if (run.backend === 'ssh-host') return `${run.host ?? 'your machine'} over SSH`;
  return 'this computer';
}

/** What the run may still cost per hour, as far as it is known. */
export function billingLabel(run: UnfinishedRun): string {
  if (run.backend !== 'aws-ec2') return 'no cloud cost (your machine)';
  if (run.betweenAttempts !== undefined && run.hourlyUsd === 0) {
    return `nothing bills: stopped between two attempts, Reattach launches attempt ${run.betweenAttempts}`;
  }
  if (run.hourlyUsd !== undefined) return `still billing about ${formatHourly(run.hourlyUsd)}`;
  if (!run.phase || run.phase === 'preflight') return 'nothing launched yet';
  return 'may still bill (rate unknown)';
}
