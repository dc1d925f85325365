import type { AppError } from '../../../../../shared/ipc/result';

/**
 * Main's refusal of a setting as a sentence for the page: a schema refusal carries the reason of
 * its first issue ("the monitoring interval is at most 300 seconds (5 minutes)"), said plainly
 * instead of the command's name and field path.
 */
export function plainSettingsError(error: AppError): AppError {
  const issues = error.details?.issues;
  const first = Array.isArray(issues) ? (issues[0] as { message?: unknown } | undefined) : undefined;
  if (error.code !== 'INVALID_REQUEST' || typeof first?.message !== 'string') return error;
  const sentence = first.message.charAt(0).toUpperCase() + first.message.slice(1);
  return { code: error.code, message: `Not saved: ${sentence}.`, fix: 'Correct the value and save again.' };
}
