import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { inject, vi } from 'vitest';

import { createRunFixture, type RunFixture } from '../../runs/pipeline/testing/run-fixture';

/** A run fixture for CLI runs: a project folder whose dist/executor is the test bundle, S3 on Ceph. */
export interface CliRunFixture {
  f: RunFixture;
  /** What the CLI takes for its project root (it finds the executor in `dist/executor`). */
  projectRoot: string;
  /** The environment of one CLI run: its data folder and HOME in the fixture, S3 from the test setup. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cleanup(): Promise<void>;
}

/** Starts the services once per test file; the SDK's credential chain reads the process environment too. */
export async function createCliRunFixture(name: string): Promise<CliRunFixture> {
  const f = await createRunFixture(name);
  const projectRoot = join(f.dir, 'project');
  await mkdir(join(projectRoot, 'dist'), { recursive: true });
  await symlink(f.bundleDir, join(projectRoot, 'dist', 'executor'));
  const s3 = inject('s3');
  const s3Env = {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };
  for (const [variable, value] of Object.entries(s3Env)) vi.stubEnv(variable, value);
  return {
    f,
    projectRoot,
    env: (extra = {}) => ({
      PATH: process.env.PATH,
      HOME: f.dir,
      TRAINDECK_DATA_DIR: join(f.dir, 'app-data'),
      ...s3Env,
      ...extra,
    }),
    async cleanup() {
      vi.unstubAllEnvs();
      await f.cleanup();
    },
  };
}
