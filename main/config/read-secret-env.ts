import { readFile } from 'node:fs/promises';

import { TypedError } from '../../shared/ipc/result';
import { SECRET_ENV_LIMITS } from '../../shared/run-config/secret-env-names';

/**
 * Reads the files of `training.secretEnv` (paths already absolute) into name → value: the one
 * reader of preflight and of the run's start, so both say the same sentence about the same file.
 * A value is the file's content without its trailing line ends (`echo TOKEN > file` leaves one).
 * Every problem is an INVALID_REQUEST naming the variable and the file, never the content.
 */
export async function readSecretEnv(secretEnv: Record<string, string> | undefined): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [name, path] of Object.entries(secretEnv ?? {})) values[name] = await readOne(name, path);
  return values;
}

async function readOne(name: string, path: string): Promise<string> {
  const fix = `Put the value of ${name} alone in that file (e.g. \`printf %s "$TOKEN" > ${path} && chmod 600 ${path}\`), or point training.secretEnv.${name} at the file that holds it.`;
  const refuse = (why: string) =>
    new TypedError('INVALID_REQUEST', `The file for the secret env variable ${name} (${path}) ${why}.`, { fix });
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a folder, not a file'
            : `cannot be read (${code ?? String(error)})`,
    );
  }
  if (bytes.length > SECRET_ENV_LIMITS.fileBytes) {
    throw refuse(
      `holds ${bytes.length} bytes: a secret env file holds one value of at most ${SECRET_ENV_LIMITS.fileBytes} bytes`,
    );
  }
  if (bytes.includes(0)) throw refuse('holds a NUL byte, which an environment variable cannot carry');
  const value = bytes.toString('utf8').replace(/[\r\n]+$/, '');
  bytes.fill(0);
  if (!value.trim()) throw refuse('is empty');
  return value;
}
