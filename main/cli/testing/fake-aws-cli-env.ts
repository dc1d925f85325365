import { inject } from 'vitest';

/**
 * The environment of a `traindeck` process in an s3-project test: its home and data folder, the
 * test's S3 store (Ceph RGW) with its keys, and every other AWS service over HTTP to the EC2 fake
 * (`server.env()` of startAwsQueryServer), so nothing can reach real AWS.
 */
export function fakeAwsCliEnv(options: {
  home: string;
  dataDir: string;
  server: { env(): Record<string, string> };
}): NodeJS.ProcessEnv {
  const s3 = inject('s3');
  return {
    PATH: process.env.PATH,
    HOME: options.home,
    TRAINDECK_DATA_DIR: options.dataDir,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.server.env(),
  };
}
