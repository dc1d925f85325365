// Presigned S3 URLs for the one-curl-stream ceiling rows (curl 7.88's --aws-sigv4 is refused by
// RGW here: SignatureDoesNotMatch). SSE-C and storage-class headers are sent alongside, unsigned.
import { createHash, createHmac } from 'node:crypto';

import { SignatureV4 } from '@smithy/signature-v4';

/** The SDK's Checksum shape over node:crypto (HMAC when given a secret). */
class Sha256 {
  constructor(secret) {
    this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

/** A presigned URL (valid 1 h) for METHOD on s3://bucket/key at a path-style endpoint (the server's HTTP one by default). */
export async function presign(server, method, bucket, key, endpoint = server.endpoint) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: 's3',
    region: server.region,
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
    sha256: Sha256,
    uriEscapePath: false,
  });
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const signed = await signer.presign(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path,
      headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      query: {},
    },
    { expiresIn: 3600 },
  );
  const query = new URLSearchParams(signed.query).toString();
  return `${url.protocol}//${url.host}${path}?${query}`;
}
