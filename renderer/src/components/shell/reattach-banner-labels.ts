import type { UnfinishedRun } from '../../../../shared/ipc/run-commands';
import { formatHourly } from '../../format/money';

/** "AWS EC2 g5.xlarge (spot, eu-west-1b)", "ubuntu@gpu-box:22 over SSH", "this computer". */
export function whereLabel(run: UnfinishedRun): string {
  if (run.backend === 'aws-ec2') {
    const billing = run.billing;
    const placed = billing ? ` (${billing.market}, ${billing.zone ?? billing.region})` : '';
    return `AWS EC2${run.instanceType ? ` ${run.instanceType}` : ''}${placed}`;
  }
  if (run.backend === 'ssh-host') return `${run.host ?? 'your machine'} over SSH`;
  return 'this computer';
}

/** What the run may still cost per hour, as far as it is known ("unknown", never $0). */
export function billingLabel(run: UnfinishedRun): string {
  if (run.backend !== 'aws-ec2') return 'no cloud cost (your machine)';
  const billing = run.billing;
  if (run.betweenAttempts !== undefined && billing?.hourlyUsd === 0) {
    return `nothing bills: stopped between two attempts, Reattach launches attempt ${run.betweenAttempts}`;
  }
  if (billing?.pending) return 'may still bill (reading its prices…)';
  if (billing && billing.hourlyUsd !== null) {
    return `still billing ${billing.upperBound ? 'at most' : 'about'} ${formatHourly(billing.hourlyUsd)}`;
  }
  if (!billing && (!run.phase || run.phase === 'preflight')) return 'nothing launched yet';
  return 'may still bill (rate unknown)';
}

/**
 * How the figure was found, for the line under it: which spot price or why none, then which prices
 * and of when ("AWS prices of eu-west-1 of 2026-12-06"). Undefined when there is no figure to explain.
 */
export function billingBasis(run: UnfinishedRun): string | undefined {
  const billing = run.backend === 'aws-ec2' ? run.billing : undefined;
  // Being read: the label says so; nothing to explain yet.
  if (!billing || billing.pending) return undefined;
  const prices = billing.prices ? `Priced at ${billing.prices}.` : undefined;
  const parts = [billing.note, billing.hourlyUsd === null ? undefined : prices].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}
