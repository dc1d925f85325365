/** A failure the executor explains: one line for the user and what to do about it. */
export class PhaseError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    /** Facts for the phase's event (exit code, duration…). */
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PhaseError';
  }
}

/** The message of anything thrown, first line only (stack traces never reach the log). */
export function reasonOf(error: unknown): { reason: string; fix?: string; detail?: Record<string, unknown> } {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
  const fix = error instanceof PhaseError ? error.fix : (error as { fix?: string } | undefined)?.fix;
  const detail = error instanceof PhaseError ? error.detail : undefined;
  return { reason, ...(fix ? { fix } : {}), ...(detail ? { detail } : {}) };
}

/** The prefix of the line before an executor failure's last stderr line that holds the failure's fix. */
export const FIX_LINE_PREFIX = 'traindeck-executor fix: ';

/**
 * What the executor writes to stderr when it fails: the fix first (when there is one), then the
 * reason on the last line, which callers already read as the reason. The desktop reads both back
 * (`executorFailure`), so a refusal reaches the user with its own fix, not a generic one.
 */
export function failureLines(error: unknown): string {
  const { reason, fix } = reasonOf(error);
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
  return `${fix ? `${FIX_LINE_PREFIX}${oneLine(fix)}\n` : ''}traindeck-executor: ${reason}\n`;
}
