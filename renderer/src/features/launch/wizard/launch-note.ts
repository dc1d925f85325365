import type { PreflightReport } from '../../../../../shared/domain/preflight';
import { countOf } from '../../../../../shared/text/plural';

/**
 * The footer's sentence beside Launch. A warning does not block Launch, but it is not a pass either:
 * "Every check passed" under a warning (the budget that cannot stop the run) told the user not to look.
 */
export function launchNote(report: Pick<PreflightReport, 'checks'> | undefined, canLaunch: boolean): string {
  if (!canLaunch) return 'Launch is available once every preflight check passes.';
  const warnings = report?.checks.filter((check) => check.status === 'warn').length ?? 0;
  return warnings
    ? `${countOf(warnings, 'warning')} above: Launch creates the resources above and starts the run.`
    : 'Every check passed: Launch creates the resources above and starts the run.';
}
