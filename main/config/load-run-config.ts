import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

import type { z } from 'zod';

import { TypedError } from '../../shared/ipc/result';
import { type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { resolveConfigPaths } from './resolve-config-paths';

/** A validated run config whose file paths are absolute, and the folder they were relative to. */
export interface LoadedRunConfig {
  config: RunConfig;
  baseDir: string;
}

/** The first schema problems as one line: `storage.bucket: a bucket name has 3 to 63 characters`. */
function formatConfigIssues(error: z.ZodError, limit = 1): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Reads a run config (JSON), validates it, and resolves its relative paths (key files, data
 * folder) against the config's own folder, so a config works from any working directory.
 * Every problem is an INVALID_REQUEST whose message starts with the file name.
 */
export async function loadRunConfig(path: string): Promise<LoadedRunConfig> {
  const name = basename(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a folder'
            : String(code ?? error);
    throw new TypedError('INVALID_REQUEST', `${name}: cannot read the run config (${why}).`, {
      fix: `Check the path: ${resolve(path)}`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TypedError('INVALID_REQUEST', `${name}: not valid JSON (${(error as Error).message}).`);
  }
  const parsed = runConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new TypedError('INVALID_REQUEST', `${name}: ${formatConfigIssues(parsed.error)}`, { details: { issues } });
  }
  const baseDir = dirname(resolve(path));
  return { baseDir, config: resolveConfigPaths(parsed.data, baseDir) };
}
