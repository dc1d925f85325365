/** Severity of one doctor finding. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info';

/** One line of `traindeck doctor`: what was looked at, what was found, and how to fix it. */
export interface DoctorCheck {
  id: string;
  label: string;
  status: CheckStatus;
  /** The finding, e.g. "eu-west-1 (from AWS_REGION)". Never contains a secret. */
  value: string;
  fix?: string;
}

/** What TrainDeck would use if it ran now; produced by main, shown by the CLI and Settings. */
export interface DoctorReport {
  generatedAt: string;
  checks: DoctorCheck[];
}
