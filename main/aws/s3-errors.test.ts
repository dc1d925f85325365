import { describe, expect, it } from 'vitest';

import { explainSyncError } from '../sync/explain';
import { type ObjectStore, StoreError } from './ports/object-store';
import { toStoreError } from './s3-errors';

/** What the SDK throws for an answer (name "Unknown"/message "UnknownError" when the body is not S3's XML). */
function sdkError(status: number, name: string, message: string, contentType = 'application/xml'): Error {
  return Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers: { 'content-type': contentType } },
  });
}

// Tags answer nothing useful: the explanation must stand without them.
const store = {
  bucket: 'b',
  keyFingerprint: 'sha256:1111111111111111',
  tags: async () => ({}),
} as unknown as ObjectStore;

describe('every S3 failure reaches the user as a sentence with a fix, never UnknownError', () => {
  it.each([
    [
      'a proxy page instead of S3 (403 HTML)',
      'put',
      sdkError(403, 'Unknown', 'UnknownError', 'text/html'),
      /was not from S3 \(HTTP 403, a web page\)/,
    ],
    [
      'a gateway page (502 HTML)',
      'put',
      sdkError(502, 'Unknown', 'UnknownError', 'text/html'),
      /the answer was not from S3 \(HTTP 502 with a web page/,
    ],
    [
      'a HEAD refused without a body (400)',
      'head',
      sdkError(400, 'Unknown', 'UnknownError'),
      /cannot be read with your SSE-C key/,
    ],
    [
      'access denied',
      'put',
      sdkError(403, 'AccessDenied', 'Access Denied'),
      /Access denied to s3:\/\/b\/p\/k \(AccessDenied, HTTP 403\)/,
    ],
    [
      'no such bucket',
      'list',
      sdkError(404, 'NoSuchBucket', 'The specified bucket does not exist'),
      /Bucket b does not exist/,
    ],
    [
      'throttled',
      'put',
      sdkError(503, 'SlowDown', 'Please reduce your request rate.'),
      /S3 is throttling requests \(SlowDown, HTTP 503\)/,
    ],
    [
      'a timeout',
      'put',
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      /no answer in time \(TimeoutError\)/,
    ],
    [
      'a refusal S3 names',
      'put',
      sdkError(400, 'InvalidRequest', 'Bad request'),
      /S3 refused a request for s3:\/\/b\/p\/k \(InvalidRequest, HTTP 400: Bad request\)/,
    ],
  ] as const)('%s', async (_label, operation, raw, sentence) => {
    const storeError = toStoreError(raw, operation, operation === 'list' ? undefined : 'p/k');
    expect(storeError).toBeInstanceOf(StoreError);
    const explained = (await explainSyncError(storeError, store)) as Error & { fix?: string };
    expect(explained.message).toMatch(sentence);
    expect(explained.message).not.toMatch(/UnknownError|\.\.$/);
    expect(explained.message).toMatch(/\.$/);
    expect(explained.fix).toMatch(/\S.*\.$/);
  });
});
