import { TypedError } from '../../shared/ipc/result';
import { StoreError, TAG_KEY_FINGERPRINT, type ObjectStore } from './object-store';

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
    return new TypedError('AWS', `Access denied to ${where}.`, {
      fix: 'Give your AWS identity s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on this prefix.',
    });
  }
  if (error.kind === 'sse-c-blocked') return sseCBlockedError(store.bucket);
  return new TypedError(error.kind === 'transient' ? 'UNAVAILABLE' : 'AWS', `${where}: ${error.message}`);
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

/** Bucket-level failures, before any transfer. */
export function explainBucketError(error: unknown, bucket: string, region: string): Error {
  if (!(error instanceof StoreError)) return error instanceof Error ? error : new Error(String(error));
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
