import type { PreflightCheck, PreflightStatus } from '../../../shared/domain/preflight';

/** One preflight line. */
export function check(id: string, label: string, status: PreflightStatus, value: string, fix?: string): PreflightCheck {
  return { id, label, status, value, ...(fix ? { fix } : {}) };
}

/** The line of a check that could not run because an earlier one failed. */
export function skipped(id: string, label: string, because: string): PreflightCheck {
  return check(id, label, 'skipped', `not checked: ${because}`);
}
