/** Outcome of one preflight check. `skipped` means an earlier failure made it pointless. */
export type PreflightStatus = 'pass' | 'warn' | 'fail' | 'skipped';

/** One line of preflight: what was checked, what was found, and how to fix a problem. */
export interface PreflightCheck {
  id: string;
  label: string;
  status: PreflightStatus;
  /** The finding, e.g. "123456789012 (arn:aws:iam::…:user/ana)". Never a secret. */
  value: string;
  fix?: string;
  /** The wizard field that fixes this check ("code.deployKeyFile"), when the check knows it better than its id does. */
  field?: string;
}

/** Every check of one preflight run; `ok` is false when any check failed. */
export interface PreflightReport {
  generatedAt: string;
  ok: boolean;
  checks: PreflightCheck[];
}

/** Builds a report from checks: `ok` only when none failed (warnings do not block). */
export function preflightReport(generatedAt: string, checks: PreflightCheck[]): PreflightReport {
  return { generatedAt, ok: checks.every((check) => check.status !== 'fail' && check.status !== 'skipped'), checks };
}
