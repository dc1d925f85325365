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
