import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** How tests reach the S3 under test. */
export interface S3TestEnv {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /**
   * The same S3 over HTTPS, with a throw-away certificate for 127.0.0.1 signed by `caFile` (PEM):
   * always there for the cluster started here; for an external S3 when TRAINDECK_TEST_S3_TLS_ENDPOINT
   * and TRAINDECK_TEST_S3_CA_FILE name one.
   */
  tls?: { endpoint: string; caFile: string };
}

/** A running S3 for tests and how to stop it. */
export interface S3Cluster {
  env: S3TestEnv;
  /** The cluster's folder (s3-up.sh DIR); absent for an external S3. */
  dir?: string;
  /** Stops exactly the processes it started (by PID) and deletes its folder; a no-op for an external S3. */
  stop(): void;
}

const SCRIPTS = resolve(import.meta.dirname);

/**
 * Starts one throw-away Ceph RGW (≈2 s, see README.md here), or uses the S3 named by
 * TRAINDECK_TEST_S3_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY, _REGION): MinIO on a laptop, say.
 * Shared by vitest's S3 project and the Playwright specs that need a real S3.
 */
export function startS3Cluster(env: NodeJS.ProcessEnv = process.env): S3Cluster {
  if (env.TRAINDECK_TEST_S3_ENDPOINT) {
    return {
      env: {
        endpoint: env.TRAINDECK_TEST_S3_ENDPOINT,
        accessKeyId: env.TRAINDECK_TEST_S3_ACCESS_KEY ?? '',
        secretAccessKey: env.TRAINDECK_TEST_S3_SECRET_KEY ?? '',
        region: env.TRAINDECK_TEST_S3_REGION ?? 'us-east-1',
        ...(env.TRAINDECK_TEST_S3_TLS_ENDPOINT && env.TRAINDECK_TEST_S3_CA_FILE
          ? { tls: { endpoint: env.TRAINDECK_TEST_S3_TLS_ENDPOINT, caFile: env.TRAINDECK_TEST_S3_CA_FILE } }
          : {}),
      },
      stop: () => {},
    };
  }
  const parent = mkdtempSync(join(tmpdir(), 'traindeck-s3-'));
  const dir = join(parent, 'cluster');
  // S3_WATCH_PID: if this process dies without stop() (vitest or a Playwright worker killed with
  // SIGKILL), a watchdog stops the cluster; after stop() the watchdog exits by itself. S3_TLS: an
  // HTTPS endpoint too, where users' syncs run (AWS takes SSE-C over HTTPS only).
  execFileSync('bash', [join(SCRIPTS, 's3-up.sh'), dir], {
    env: { ...process.env, S3_WATCH_PID: String(process.pid), S3_TLS: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
  const started = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8')) as Record<string, string>;
  return {
    env: {
      endpoint: started.TRAINDECK_TEST_S3_ENDPOINT!,
      accessKeyId: started.TRAINDECK_TEST_S3_ACCESS_KEY!,
      secretAccessKey: started.TRAINDECK_TEST_S3_SECRET_KEY!,
      region: started.TRAINDECK_TEST_S3_REGION!,
      tls: { endpoint: started.TRAINDECK_TEST_S3_TLS_ENDPOINT!, caFile: started.TRAINDECK_TEST_S3_CA_FILE! },
    },
    dir,
    stop() {
      execFileSync('bash', [join(SCRIPTS, 's3-down.sh'), dir], { stdio: 'inherit', timeout: 60_000 });
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
