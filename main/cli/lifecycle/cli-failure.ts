import { TypedError } from '../../../shared/ipc/result';
import { awsCallOf, awsFailureError } from '../../aws/aws-errors';
import { CliError } from '../command';

/** Turns a service error into the CLI's one line: message and fix; exit 2 for bad input, 1 otherwise. */
function cliFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof TypedError) {
    return new CliError(
      error.fix ? `${error.message} — ${error.fix}` : error.message,
      error.code === 'INVALID_REQUEST' ? 2 : 1,
    );
  }
  // An AWS SDK failure that reached here untyped: its sentence and fix, never the SDK's internals.
  if (awsCallOf(error) || (error as { $metadata?: unknown } | undefined)?.$metadata) {
    return cliFailure(awsFailureError(error));
  }
  return new CliError(error instanceof Error ? error.message : String(error), 1);
}

/** Runs a command body, converting any error into a {@link CliError}. */
export async function asCli<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw cliFailure(error);
  }
}
