import { isCertificateError } from './certificate-errors';
import { StoreError, type StoreErrorKind } from './ports/object-store';
import { isProtocolMismatch } from './protocol-mismatch';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

const TRANSIENT_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** What the failing call was doing; some S3 answers only make sense per operation. */
export type S3Operation = 'bucket' | 'list' | 'head' | 'get' | 'put' | 'copy' | 'delete' | 'tags';

/**
 * Maps an SDK error to the engine's StoreError kinds. Abort errors pass through untouched
 * so cancellation stays cancellation.
 */
export function toStoreError(error: unknown, operation: S3Operation, key?: string): unknown {
  if (!(error instanceof Error) || error.name === 'AbortError') return error;
  const e = error as Error & SdkError;
  const status = e.$metadata?.httpStatusCode;
  // Answers without an S3 error body (HEAD, or a proxy's page) reach us as name "Unknown", message "UnknownError".
  const named = e.Code ?? e.name ?? e.code ?? '';
  const code = named === 'Unknown' || named === 'UnknownError' ? (e.code ?? '') : named;
  const region = e.$response?.headers?.['x-amz-bucket-region'];
  const notS3 = /html/i.test(e.$response?.headers?.['content-type'] ?? '');
  const details = {
    ...(status !== undefined ? { status } : {}),
    code,
    ...(region ? { region } : {}),
    ...(key ? { key } : {}),
    ...(notS3 ? { notS3 } : {}),
    ...(isCertificateError(e) ? { certificate: true } : {}),
    ...(isProtocolMismatch(e) ? { protocol: true } : {}),
  };
  return new StoreError(classify(e, operation, status, code, region), e.message || code || `HTTP ${status}`, details);
}

function classify(
  e: SdkError,
  operation: S3Operation,
  status: number | undefined,
  code: string,
  region: string | undefined,
): StoreErrorKind {
  const message = e.message ?? '';
  const errno = e.code ?? '';
  if (NETWORK_CODES.has(errno) || NETWORK_CODES.has(code) || /socket hang up|ECONNRESET|EPIPE/i.test(message)) {
    return 'transient';
  }
  // 501: the server does not do this at all (Ceph RGW and a same-key SSE-C copy); asking again never helps.
  if (status === 501 || code === 'NotImplemented') return 'not-implemented';
  if (TRANSIENT_CODES.has(code) || status === 429 || (status !== undefined && status >= 500)) return 'transient';
  if (status === 412 || code === 'PreconditionFailed') return 'precondition';
  if (code === 'BadDigest' || code === 'InvalidDigest' || code === 'XAmzContentSHA256Mismatch') return 'bad-digest';
  if (code === 'NoSuchBucket') return 'no-bucket';
  if (
    status === 301 ||
    code === 'PermanentRedirect' ||
    code === 'AuthorizationHeaderMalformed' ||
    (region && operation === 'bucket' && status === 400)
  ) {
    return 'wrong-region';
  }
  if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') {
    return operation === 'bucket' ? 'no-bucket' : 'not-found';
  }
  if (operation === 'put' && /SSE-C|encryption type|blocked/i.test(message) && (status === 403 || status === 400)) {
    return 'sse-c-blocked';
  }
  if ((operation === 'head' || operation === 'get') && status === 400) {
    // Ceph and AWS: a missing algorithm/key is "InvalidArgument"/"InvalidRequest"; a key that
    // does not match the object's is reported as an MD5 mismatch of the key.
    // HEAD answers carry no message; the adapter always sends a key, so a bare 400 means a wrong one.
    if (/must provide|requires? .*(algorithm|key)/i.test(message)) return 'key-required';
    return 'wrong-key';
  }
  if (
    status === 403 ||
    code === 'AccessDenied' ||
    code === 'Forbidden' ||
    code === 'InvalidAccessKeyId' ||
    code === 'SignatureDoesNotMatch'
  ) {
    return 'access-denied';
  }
  return 'other';
}
