/**
 * The one home of AWS error handling: codes and their classes (throttling, not found, region
 * refusals, credentials), the per-call context every SDK client records, and the typed
 * failure (service, operation, region, HTTP status, AWS code, a sentence and a fix).
 */
import { awsFailure, type AwsFailureOptions } from './aws-failure';

export { annotateAwsCalls, type AwsCall, awsCallOf } from './aws-call-context';
export {
  awsErrorCode,
  credentialsError,
  isNotFound,
  isThrottling,
  networkErrorCode,
  regionRefusal,
} from './aws-error-codes';
export {
  type AwsFailure,
  awsFailure,
  awsFailureError,
  type AwsFailureKind,
  type AwsFailureOptions,
} from './aws-failure';

/**
 * Any AWS failure as a clause to embed in a longer line ("could not read (…)", "eu-west-1: …"):
 * the sentence of {@link awsFailure} without its full stop. Its fix is `awsFailure(…).fix`.
 */
export function describeAwsError(error: unknown, options: AwsFailureOptions = {}): string {
  return awsFailure(error, options).message.replace(/\.$/, '');
}
