import { createS3Client } from '../../aws/s3-client';
import { createS3ObjectStore } from '../../aws/s3-object-store';
import { runSync } from '../engine';
import { SseKey } from '../sse-key';
import type { SyncSpec } from '../sync-spec';

/** What the parent test sends on stdin (JSON): where S3 is, the key, the spec and the direction. */
export interface SyncChildInput {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  keyBase64: string;
  spec: SyncSpec;
  direction: 'pull' | 'push';
}

/**
 * Runs one sync in its own process (so a test can start it with fewer privileges, e.g. without
 * CAP_DAC_OVERRIDE) and prints `{"summary": …}` or `{"error": "…"}` as one JSON line.
 */
async function main(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const input = JSON.parse(text) as SyncChildInput;
  const client = createS3Client({
    region: input.region,
    endpoints: { S3: input.endpoint },
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    maxAttempts: 1,
  });
  const store = createS3ObjectStore(client, input.spec.bucket, new SseKey(Buffer.from(input.keyBase64, 'base64')));
  try {
    const { summary } = await runSync(input.direction, { spec: input.spec, store, region: input.region });
    process.stdout.write(JSON.stringify({ summary }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }) + '\n');
  }
}

void main();
