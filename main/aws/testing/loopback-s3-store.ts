import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SseKey } from '../../sync/sse-key';
import { createS3Client } from '../s3-client';
import { createS3ObjectStore } from '../s3-object-store';

/**
 * An S3 client and the object store over it (bucket `b`, a random SSE-C key) for a test's own server,
 * already listening on loopback; `lean` picks the lean small-request path or the SDK's for the same test.
 * The caller destroys the client and closes its server.
 */
export function loopbackS3Store(server: Server, lean: boolean) {
  const client = createS3Client({
    region: 'us-east-1',
    endpoints: { S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  return { client, store: createS3ObjectStore(client, 'b', new SseKey(randomBytes(32)), { leanSmallRequests: lean }) };
}
