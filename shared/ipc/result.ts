/**
 * The envelope every command returns. No exception crosses the IPC bridge or the
 * WebSocket: failures travel as a typed {@link AppError} the UI can show as it is.
 */

/** Every error code the UI may have to explain. Add new ones here, never ad hoc strings. */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'UNKNOWN_COMMAND',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'CANCELLED',
  'TIMEOUT',
  'UNAVAILABLE',
  'AWS',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A failure the user can read: what went wrong and, when known, how to fix it. */
export interface AppError {
  code: ErrorCode;
  /** One readable sentence; never contains secrets. */
  message: string;
  /** What the user can do about it, when there is something to do. */
  fix?: string;
  /** Machine-readable specifics, e.g. the invalid fields of a request. */
  details?: Record<string, unknown>;
}

/** Success with a value, or a typed failure. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Wraps a value as a successful {@link Result}. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an error as a failed {@link Result}. */
export function fail<T = never>(error: AppError): Result<T> {
  return { ok: false, error };
}

/**
 * An error a service throws on purpose. The router turns it into a failed Result with
 * the same code, message and fix; any other thrown value becomes `INTERNAL`.
 */
export class TypedError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fix?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'TypedError';
    this.code = code;
    this.fix = options.fix;
    this.details = options.details;
  }

  /** The wire form of this error. */
  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      ...(this.fix ? { fix: this.fix } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** True when `value` has the shape of an {@link AppError} (used on data from the wire). */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(candidate.code);
}

/** One line for a terminal or a log: `CODE: message (fix)`. */
export function formatAppError(error: AppError): string {
  return error.fix ? `${error.code}: ${error.message} — ${error.fix}` : `${error.code}: ${error.message}`;
}
