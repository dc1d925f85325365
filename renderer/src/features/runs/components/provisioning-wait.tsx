import type { PhaseState } from '../../../../../shared/domain/run';
import { formatDuration } from '../../../format/time';

// The progress bar's track and fill (one look for every bar of the app).
import '../../../components/jobs/progress-bar.css';

/** How each provisioning wait or step is named (the EC2 launch's steps, see main/lifecycle/provision). */
const STEP_LABELS: Record<string, string> = {
  running: 'Instance running',
  'status-checks': 'Status checks',
  'host-key': 'Console host key',
  ssh: 'SSH server (sshd)',
  'key-pair': 'Key pair',
  'security-group': 'Security group',
  instance: 'Instance',
  cleanup: 'Cleanup',
};

/** What provisioning is doing now, read from its running phase's detail. */
export interface ProvisioningStep {
  label: string;
  /** The backend's own line, e.g. "waiting for sshd at 203.0.113.7:22: 30 s of 5 min". */
  line: string | undefined;
  /** A wait reports how long it has waited and its limit; a create step does not. */
  wait?: { elapsedSeconds: number; limitSeconds: number };
}

// Words that say nothing on their own when comparing main's line with the heading.
const FILLER = new Set(['the', 'a', 'an', 'of', 'to', 'be', 'for', 'is']);
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^a-z0-9.:-]+/)
    .filter((w) => w && !FILLER.has(w));

/**
 * What main's line says beyond the heading ("Waiting: Status checks · 2 min of 15 min"): the line
 * without its "waiting for" and its "2 min of 15 min", or undefined when every word left is
 * already in the label ("waiting for the status checks: 2 min of 15 min" adds nothing; "sshd at
 * 203.0.113.7:22" adds the address).
 */
export function lineAddition(label: string, line: string | undefined): string | undefined {
  if (!line) return undefined;
  const rest = line
    .replace(/^\s*waiting for\s+/i, '')
    // ": 1 min 30 s of 5 min" at the end: the heading says it already.
    .replace(/:\s*\d[^:]*\bof\b[^:]*$/, '')
    .trim();
  const known = new Set(words(label));
  if (!words(rest).some((w) => !known.has(w) && !known.has(w.replace(/s$/, '')))) return undefined;
  return rest;
}

/** The current step or wait of a running provisioning phase, or undefined when it reported none. */
export function provisioningStep(phase: PhaseState): ProvisioningStep | undefined {
  const detail = phase.detail;
  if (phase.status !== 'running' || !detail || typeof detail.step !== 'string') return undefined;
  const line = typeof detail.progress === 'string' ? detail.progress : undefined;
  const { elapsedSeconds, limitSeconds } = detail;
  const wait =
    typeof elapsedSeconds === 'number' && typeof limitSeconds === 'number' && limitSeconds > 0
      ? { elapsedSeconds, limitSeconds }
      : undefined;
  return { label: STEP_LABELS[detail.step] ?? detail.step, line, ...(wait ? { wait } : {}) };
}

/**
 * Under the timeline while provisioning runs: the current wait with elapsed time against its
 * limit and a small bar (five to ten minutes of waiting are no longer silent), or the create step.
 */
export function ProvisioningWait({ step }: { step: ProvisioningStep }) {
  const { wait } = step;
  const of = wait ? `${formatDuration(wait.elapsedSeconds)} of ${formatDuration(wait.limitSeconds)}` : undefined;
  const fraction = wait ? Math.min(1, wait.elapsedSeconds / wait.limitSeconds) : undefined;
  const addition = lineAddition(step.label, step.line);
  return (
    <div className="timeline__wait" data-testid="provisioning-wait">
      <p className="timeline__wait-head">
        <strong>{wait ? `Waiting: ${step.label}` : `Creating: ${step.label}`}</strong>
        {of && <span className="tabular"> · {of}</span>}
      </p>
      {wait && (
        <div
          className="progress__track timeline__wait-bar"
          role="progressbar"
          aria-label={`Provisioning wait: ${step.label}`}
          aria-valuemin={0}
          aria-valuemax={wait.limitSeconds}
          aria-valuenow={Math.min(wait.elapsedSeconds, wait.limitSeconds)}
          aria-valuetext={of}
        >
          {/* Width via the style prop: CSSOM, which the CSP's style-src 'self' allows. */}
          <div className="progress__fill" style={{ width: `${((fraction ?? 0) * 100).toFixed(1)}%` }} />
        </div>
      )}
      {addition && <p className="timeline__wait-line selectable">{addition}</p>}
    </div>
  );
}
