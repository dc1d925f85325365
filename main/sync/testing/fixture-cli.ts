import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { inject, vi } from 'vitest';

import { runCli } from '../../cli/cli';
import type { S3Fixture } from './s3-fixture';

/**
 * `traindeck sync …` in this process against a fixture's bucket and key: writes a run config
 * (in `dir`, with `localRoot` relative to it) and points the SDK's environment at the test S3
 * (undone by `vi.unstubAllEnvs()`). Returns a runner: the exit code and what went to stdout/stderr.
 */
export async function fixtureCli(
  fx: S3Fixture,
  dir: string,
  localRoot: string,
): Promise<(...args: string[]) => Promise<{ code: number; out: string; err: string }>> {
  const s3 = inject('s3');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'key.bin'), fx.keyBytes);
  const config = join(dir, 'run.json');
  await writeFile(
    config,
    JSON.stringify({
      version: 1,
      aws: { region: s3.region },
      storage: { bucket: fx.bucket, prefix: fx.spec.prefix, sseKeyFile: 'key.bin', localRoot },
    }),
  );
  // The SDK's credential chain reads the process environment.
  vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', s3.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.secretAccessKey);
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/credentials');
  return async (...args) => {
    let out = '';
    let err = '';
    const [action, ...rest] = args;
    const code = await runCli(['sync', action!, '--config', config, ...rest], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      env: process.env,
      projectRoot: process.cwd(),
    });
    return { code, out, err };
  };
}
