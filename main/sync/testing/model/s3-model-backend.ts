import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  PutObjectCommand,
} from '@aws-sdk/client-s3';

import { TAG_KEY_FINGERPRINT } from '../../../aws/ports/object-store';
import { createS3ObjectStore } from '../../../aws/s3-object-store';
import { sha256Buffer } from '../../hash-file';
import { SseKey } from '../../sse-key';
import type { S3Fixture } from '../s3-fixture';
import { MODEL_KEYS, type ModelBackend, type RemoteEntry } from './model-backend';

/**
 * The model's S3 on Ceph RGW (a bucket of the fixture's). Objects are read back with each
 * test key in turn, then without SSE-C, so the model sees every byte whoever wrote it.
 * S3 keeps real time here: `advance` does nothing.
 */
export function s3ModelBackend(fx: S3Fixture): ModelBackend {
  const keys = MODEL_KEYS.map((bytes) => new SseKey(bytes));
  const { client, bucket } = fx;
  const read = async (key: string) => {
    for (const [index, sse] of [...keys.map((k) => k.params()), undefined].entries()) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sse }));
        const bytes = Buffer.from(await out.Body!.transformToByteArray());
        return { out, bytes, keyIndex: index < keys.length ? index : -1 };
      } catch {
        // another key (or none) wrote it: try the next
      }
    }
    throw new Error(`the model cannot read ${key} with any of its keys`);
  };
  const uploads = async (prefix: string) => {
    const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    return (out.Uploads ?? []).map((u) => ({ key: u.Key!, uploadId: u.UploadId! }));
  };
  return {
    bucket,
    store: (keyIndex) => createS3ObjectStore(client, bucket, keys[keyIndex]!),
    fingerprint: (keyIndex) => keys[keyIndex]!.fingerprint,
    async putDirect(key, bytes, metadata, keyIndex) {
      const sse = keys[keyIndex];
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          Metadata: metadata,
          ...(sse ? { ...sse.params(), Tagging: `${TAG_KEY_FINGERPRINT}=${encodeURIComponent(sse.fingerprint)}` } : {}),
        }),
      );
    },
    async deleteDirect(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async snapshot(prefix) {
      const entries = new Map<string, RemoteEntry>();
      for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
        for (const listed of page.Contents ?? []) {
          const { out, bytes, keyIndex } = await read(listed.Key!);
          const lastModifiedMs = out.LastModified?.getTime() ?? 0;
          entries.set(listed.Key!, {
            key: listed.Key!,
            bytes,
            sha256: sha256Buffer(bytes),
            etag: out.ETag ?? '',
            size: bytes.length,
            lastModifiedMs,
            metadata: out.Metadata ?? {},
            keyIndex,
            version: `${out.ETag}@${lastModifiedMs}`,
          });
        }
      }
      return entries;
    },
    async incompleteUploads(prefix) {
      return (await uploads(prefix)).map((u) => `${u.key} (upload ${u.uploadId})`);
    },
    advance() {},
    async cleanup() {
      for (const upload of await uploads('')) {
        await client.send(
          new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }),
        );
      }
      await fx.cleanup();
    },
  };
}
