import type { TestProject } from 'vitest/node';

import { type S3TestEnv, startS3Cluster } from './s3-cluster';

export type { S3TestEnv };

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3TestEnv;
  }
}

/** Vitest's S3 project: one S3 for the whole run (see {@link startS3Cluster}), stopped at the end. */
export default function setup(project: TestProject): () => void {
  const cluster = startS3Cluster();
  project.provide('s3', cluster.env);
  return () => cluster.stop();
}
