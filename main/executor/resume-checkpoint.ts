import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The checkpoint a relaunched training resumes from: the newest regular file under the
 * checkpoints folder (after the pull, whose newest-wins policy restores each file's mtime), by
 * modification time, the path's order breaking a tie. Hidden names (a `.name.tmp` being written)
 * and symbolic links are not checkpoints. undefined when there is none (or no folder).
 */
export async function newestCheckpointFile(dir: string): Promise<string | undefined> {
  let best: { path: string; mtimeMs: number } | undefined;
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const { mtimeMs } = await lstat(path);
        if (!best || mtimeMs > best.mtimeMs || (mtimeMs === best.mtimeMs && path > best.path)) best = { path, mtimeMs };
      }
    }
  };
  await walk(dir);
  return best?.path;
}

/**
 * The relaunch's part of the training environment: `TRAINDECK_ATTEMPT` (1-based) always, and from
 * the second attempt on `TRAINDECK_RESUME_FROM`, the newest checkpoint pulled (absent if none). The
 * first attempt never gets one: a fresh run that finds old checkpoints in S3 starts as it always did.
 */
export async function resumeEnv(attempt: number, checkpointsDir: string): Promise<Record<string, string>> {
  const from = attempt > 1 ? await newestCheckpointFile(checkpointsDir) : undefined;
  return { TRAINDECK_ATTEMPT: String(attempt), ...(from ? { TRAINDECK_RESUME_FROM: from } : {}) };
}
