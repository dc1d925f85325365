import type { PreflightCheck, PreflightStatus } from '../../../shared/domain/preflight';
import { awsFailure } from '../../aws/aws-errors';

/** One preflight line. */
export function check(id: string, label: string, status: PreflightStatus, value: string, fix?: string): PreflightCheck {
  return { id, label, status, value, ...(fix ? { fix } : {}) };
}

/** The line of a check that could not run because an earlier one failed. */
export function skipped(id: string, label: string, because: string): PreflightCheck {
  return check(id, label, 'skipped', `not checked: ${because}`);
}

/**
 * The line of a check whose AWS call failed: the typed failure's sentence (service, call,
 * status, what answered) and its fix; `deniedFix` replaces the generic fix of a denial with
 * the check's own (which permission, what it is for).
 */
export function awsCallCheck(
  id: string,
  label: string,
  status: PreflightStatus,
  error: unknown,
  options: { context?: string; deniedFix?: string; signal?: AbortSignal | undefined } = {},
): PreflightCheck {
  const failure = awsFailure(error, { signal: options.signal });
  const fix = failure.kind === 'denied' && options.deniedFix ? options.deniedFix : failure.fix;
  return check(id, label, status, options.context ? `${options.context}: ${failure.message}` : failure.message, fix);
}
