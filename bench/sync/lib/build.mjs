// Our CLI is measured as built from this checkout: a dist/ left from an older commit once made a
// whole seed-set run measure code that main no longer had (its peak RSS was 565 MiB; the
// checkout's own build stays under 220 MiB on the same data).
import { join } from 'node:path';

import { lastLines, run } from './proc.mjs';

/** Builds dist/ (`npm run build:node`) from the working tree; throws a sentence if it fails. */
export async function buildOurs(repo) {
  const r = await run(process.execPath, [join(repo, 'scripts/build-node.mjs')], { cwd: repo, timeoutMs: 10 * 60_000 });
  if (r.code !== 0) {
    throw new Error(
      `building our CLI (npm run build:node) failed (exit ${r.code}): ${lastLines(r.stderr || r.stdout, 5)}; fix the build, or pass --ours-cli FILE to measure a build of your choice`,
    );
  }
}

/** The commit of the working tree and whether it has uncommitted changes: the code the figures measured. */
export async function checkoutState(repo) {
  const head = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repo, timeoutMs: 60_000 });
  const status = await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo, timeoutMs: 60_000 });
  if (head.code !== 0) return { commit: null, dirty: null };
  return { commit: head.stdout.trim(), dirty: status.code === 0 ? status.stdout.trim() !== '' : null };
}
