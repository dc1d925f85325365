import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/** How tests reach the S3 under test. */
export interface S3TestEnv {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestEnv;
  }
}

const SCRIPTS = resolve(import.meta.dirname);

/**
 * Starts one throw-away Ceph RGW for the S3 test project (≈2 s) and stops exactly its
 * processes afterwards. TRAINDECK_TEST_S3_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY, _REGION)
 * points the tests at another S3 instead (MinIO on a laptop, say); nothing is started then.
 */
export default function setup(project: TestProject): () => void {
  const env = process.env;
  if (env.TRAINDECK_TEST_S3_ENDPOINT) {
    project.provide('s3', { endpoint: env.TRAINDECK_TEST_S3_ENDPOINT, accessKeyId: env.TRAINDECK_TEST_S3_ACCESS_KEY ?? '', secretAccessKey: env.TRAINDECK_TEST_S3_SECRET_KEY ?? '', region: env.TRAINDECK_TEST_S3_REGION ?? 'us-east-1' });
    return () => {};
  }
  const parent = mkdtempSync(join(tmpdir(), 'traindeck-s3-'));
  const dir = join(parent, 'cluster');
  execFileSync('bash', [join(SCRIPTS, 's3-up.sh'), dir], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  const started = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Record<string, string>;
  project.provide('s3', {
    endpoint: started.TRAINDECK_TEST_S3_ENDPOINT!,
    accessKeyId: started.TRAINDECK_TEST_S3_ACCESS_KEY!,
    secretAccessKey: started.TRAINDECK_TEST_S3_SECRET_KEY!,
    region: started.TRAINDECK_TEST_S3_REGION!,
  });
  return () => {
    execFileSync('bash', [join(SCRIPTS, 's3-down.sh'), dir], { stdio: 'inherit', timeout: 60_000 });
    rmSync(parent, { recursive: true, force: true });
  };
}
