import { TypedError } from '../../shared/ipc/result';
import type { SyncEvent } from '../../shared/sync/events';
import { type ObjectStore, StoreError, TAG_KEY_FINGERPRINT } from '../aws/ports/object-store';

/**
 * Turns a store failure into a message that says what is wrong and what to do. For an
 * object the key cannot open, the object's tags tell which key wrote it (tags need no key).
 */
export async function explainObjectError(error: unknown, store: ObjectStore, key: string): Promise<Error> {
  const ourFingerprint = store.keyFingerprint;
  if (!(error instanceof StoreError)) return error instanceof Error ? error : new Error(String(error));
  const where = `s3://${store.bucket}/${key}`;
  if (error.kind === 'wrong-key' || error.kind === 'key-required' || error.kind === 'access-denied') {
    const tags = await store.tags(key).catch(() => undefined);
    const theirs = tags?.[TAG_KEY_FINGERPRINT];
    if (theirs && theirs !== ourFingerprint) {
      return new TypedError(
        'PRECONDITION_FAILED',
        `${where} was written with another SSE-C key (object: ${theirs}, yours: ${ourFingerprint}).`,
        { fix: 'Use the key file that wrote this prefix (compare fingerprints), or write to another prefix.' },
      );
    }
    if (error.kind !== 'access-denied') {
      return new TypedError(
        'PRECONDITION_FAILED',
        `${where} cannot be read with your SSE-C key (${ourFingerprint})${theirs ? '' : '; it was not written by TrainDeck, or not with SSE-C'}.`,
        { fix: 'Use the key that wrote it, or remove the object from the prefix.' },
      );
    }
    return explainByKind(error, where, store.bucket);
  }
  if (error.kind === 'sse-c-blocked') return sseCBlockedError(store.bucket);
  return explainByKind(error, where, store.bucket);
}

/**
 * A store failure that is not about one transferred file (planning, listing, the key check):
 * explained like a file's, for the object it names if any.
 */
export async function explainSyncError(error: unknown, store: ObjectStore): Promise<Error> {
  if (!(error instanceof StoreError)) return error instanceof Error ? error : new Error(String(error));
  if (error.details.key !== undefined && error.kind !== 'no-bucket') {
    return explainObjectError(error, store, error.details.key);
  }
  return explainByKind(error, `s3://${store.bucket}`, store.bucket);
}

/** One short sentence on why a request failed, for `retry` events and their stderr line. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof StoreError)) return error instanceof Error ? error.message : String(error);
  return error.kind === 'transient' ? transientCause(error) : `${error.kind} (${codeOf(error)})`;
}

function explainByKind(error: StoreError, where: string, bucket: string): TypedError {
  const code = codeOf(error);
  if (error.details.certificate) return certificateRefused(error, where);
  if (error.details.protocol) return protocolRefused(error, where);
  if (error.details.notS3 && error.kind !== 'transient') {
    return new TypedError('AWS', `The answer for ${where} was not from S3 (${code}, a web page).`, {
      fix: 'Something between you and S3 answers instead (a proxy or captive portal): check the network, HTTPS_PROXY and AWS_ENDPOINT_URL_S3.',
    });
  }
  switch (error.kind) {
    case 'transient': {
      const tried = error.details.retriedMs
        ? ` and kept failing for ${Math.round(error.details.retriedMs / 1000)} s (${error.details.attempts} attempts)`
        : '';
      return new TypedError('UNAVAILABLE', `S3 could not be reached for ${where}: ${transientCause(error)}${tried}.`, {
        fix: 'Check the network and the S3 endpoint, then sync again (files already transferred are not sent again).',
      });
    }
    case 'bad-digest':
      return new TypedError('AWS', `S3 received bytes for ${where} that do not match their SHA-256 (${code}).`, {
        fix: 'Sync again; if it persists, something between you and S3 alters requests (a proxy).',
      });
    case 'changed-while-uploading':
      return new TypedError('CONFLICT', error.message, {
        fix: 'It will go up on the next push; wait until the program writing it has finished.',
      });
    case 'not-found':
      return new TypedError('NOT_FOUND', `${where} no longer exists (deleted by something else during the sync).`, {
        fix: 'Sync again.',
      });
    case 'no-bucket':
      return new TypedError('NOT_FOUND', `Bucket ${bucket} does not exist.`, {
        fix: 'Create it, or fix storage.bucket in the run config.',
      });
    case 'wrong-region':
      return new TypedError(
        'PRECONDITION_FAILED',
        `Bucket ${bucket} is in ${error.details.region ?? 'another region'} (${code}).`,
        { fix: `Set storage.region to "${error.details.region ?? 'its region'}".` },
      );
    case 'access-denied':
      return new TypedError('AWS', `Access denied to ${where} (${code}).`, {
        fix: 'Check the AWS profile, and give it s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject, s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on the prefix.',
      });
    default:
      return new TypedError('AWS', `S3 refused a request for ${where} (${code}${messageOf(error)}).`, {
        fix: 'Check the bucket policy and the endpoint (storage.bucket, AWS_ENDPOINT_URL_S3); the code above names the refusal.',
      });
  }
}

function codeOf(error: StoreError): string {
  const { code, status } = error.details;
  const named = code && code !== 'UnknownError' && code !== 'Error' ? code : undefined;
  if (named && status) return `${named}, HTTP ${status}`;
  return named ?? (status ? `HTTP ${status}` : 'no answer');
}

function messageOf(error: StoreError): string {
  const message = error.message.replace(/\.$/, '');
  return message && message !== 'UnknownError' && message !== error.details.code ? `: ${message}` : '';
}

function transientCause(error: StoreError): string {
  const { code = '', status } = error.details;
  if (error.details.notS3) {
    return `the answer was not from S3 (HTTP ${status ?? '?'} with a web page; a proxy in the way?)`;
  }
  if (code === 'SlowDown' || code.startsWith('Throttl') || status === 429) {
    return `S3 is throttling requests (${codeOf(error)})`;
  }
  if (/Timeout/i.test(code) || code === 'ETIMEDOUT') return `no answer in time (${code})`;
  if (status && status >= 500) return `S3 answered with a server error (${codeOf(error)})`;
  return `the connection failed (${code || error.message})`;
}

/** The warning for objects of one folder stored without SSE-C (written by another tool). */
export function unencryptedWarning(folder: string, keys: string[]): Extract<SyncEvent, { type: 'warning' }> {
  return {
    type: 'warning',
    message: `${keys.length} object(s) in ${folder} are stored without SSE-C (not encrypted with your key): ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}.`,
    fix: 'Encrypt them with your key where they are: traindeck sync encrypt --config run.json (add --dry-run to list them first).',
  };
}

/** The bucket refuses SSE-C uploads (the AWS default for new buckets since April 2026). */
export function sseCBlockedError(bucket: string): TypedError {
  return new TypedError(
    'PRECONDITION_FAILED',
    `Bucket ${bucket} blocks SSE-C uploads (BlockedEncryptionTypes includes SSE-C; AWS blocks it by default on buckets created since April 2026).`,
    {
      fix: `Allow it: aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"},"BlockedEncryptionTypes":{"EncryptionType":["NONE"]}}]}'`,
    },
  );
}

/** The S3 endpoint will not speak HTTP/1.1 (ALPN, HTTP/2 only): asking again meets the same refusal. */
function protocolRefused(error: StoreError, where: string): TypedError {
  const why = error.message.replace(/\.$/, '');
  return new TypedError('AWS', `The S3 endpoint refused the request for ${where}: ${why}.`, {
    fix: 'Point AWS_ENDPOINT_URL_S3 at an endpoint that speaks HTTP/1.1 (S3 and S3-compatible stores do), not at an HTTP/2-only proxy or gateway in front of it.',
  });
}

/** Bucket-level failures, before any transfer. */
export function explainBucketError(error: unknown, bucket: string, region: string): Error {
  if (!(error instanceof StoreError)) return error instanceof Error ? error : new Error(String(error));
  if (error.details.certificate) return certificateRefused(error, `bucket ${bucket}`);
  if (error.details.protocol) return protocolRefused(error, `bucket ${bucket}`);
  switch (error.kind) {
    case 'no-bucket':
      return new TypedError('NOT_FOUND', `Bucket ${bucket} does not exist (looked in ${region}).`, {
        fix: 'Create it, or fix storage.bucket in the run config.',
      });
    case 'wrong-region':
      return new TypedError(
        'PRECONDITION_FAILED',
        `Bucket ${bucket} is in ${error.details.region ?? 'another region'}, not ${region}.`,
        { fix: `Set storage.region to "${error.details.region ?? 'its region'}".` },
      );
    case 'access-denied':
      return new TypedError('AWS', `Access denied to bucket ${bucket} (${error.message}).`, {
        fix: 'Check the AWS profile, and give it s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket prefix.',
      });
    default:
      return new TypedError(error.kind === 'transient' ? 'UNAVAILABLE' : 'AWS', `Bucket ${bucket}: ${error.message}`);
  }
}

/** The S3 endpoint's TLS certificate was refused: nothing was asked of S3; the trust store, the name or the clock is wrong. */
function certificateRefused(error: StoreError, where: string): TypedError {
  const why = error.message.replace(/\.$/, '');
  return new TypedError(
    'AWS',
    `The S3 endpoint's certificate was refused for ${where} (${error.details.code}: ${why}), so nothing was sent.`,
    {
      fix: "If the endpoint uses a private certificate authority, point AWS_CA_BUNDLE at its PEM file; check that AWS_ENDPOINT_URL_S3 names the host its certificate is for, and this machine's clock.",
    },
  );
}
