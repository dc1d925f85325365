import { type AwsSettings, createS3Client } from './client-factory';

/**
 * The desktop's S3 credentials from the standard chain (profile, SSO, env), resolved once so
 * they can be handed to an executor on a machine without an instance role (ssh-host, local).
 * They travel only over the SSH channel's stdin and live in the executor's memory.
 */
export async function resolveS3Credentials(
  settings: AwsSettings,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }> {
  const client = createS3Client(settings);
  try {
    const credentials = await client.config.credentials();
    return {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    };
  } finally {
    client.destroy();
  }
}

/** The S3 endpoint override in force (AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL), if any. */
export function s3EndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
}
