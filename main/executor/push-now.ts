import { existsSync } from 'node:fs';

import { PUSH_NOW_SETTLE_MS, type PushNowFolder, type PushNowResult } from '../../shared/executor/protocol';
import { logsFolderOf } from '../../shared/executor/run-folders';
import { sleep } from '../core/abort';
import { claimPidFileSync, holderAlive, readPidFileHolder } from '../core/exclusive-pid-file';
import { processAlive as alive } from '../core/process-identity';
import { runSync } from '../sync/engine';
import { STILL_BEING_WRITTEN } from '../sync/planner';
import type { RunStorage } from './data-sync';
import { PhaseError } from './phase-error';
import type { WorkLayout } from './work-layout';

/**
 * A push the user asks for while the training runs (`executor.mjs push --folder …`), in its own
 * process: the training and the executor that watches it are not touched.
 *
 * Invariant: every object it writes is byte-equal to one complete version of its file. A file
 * modified within the last `settleMs` before the plan is skipped (not even read), and the upload
 * refuses a file whose size or mtime changes while it goes up (the engine's rule), so what goes
 * up was left alone from `settleMs` before the plan until its upload ended. A writer that pauses
 * longer than that mid-file is beyond it: write to a temporary name, then rename.
 */
export async function pushNow(
  storage: RunStorage,
  folders: readonly PushNowFolder[],
  options: { signal: AbortSignal; settleMs?: number; now?: () => number },
): Promise<PushNowResult> {
  const chosen = folders.map((name) => folderOf(storage, name));
  const spec = { ...storage.spec, folders: chosen };
  const quietSince = (options.now ?? Date.now)() - (options.settleMs ?? PUSH_NOW_SETTLE_MS);
  const { plan, summary } = await runSync('push', { ...storage, spec, signal: options.signal, quietSince }).catch(
    (error: unknown) => {
      if ((error as { code?: unknown }).code !== 'SYNC_LOCKED') throw error;
      throw new PhaseError(
        'another push is moving this run’s data right now (the final push when the training has ended)',
        'Wait for it: the run pushes every folder when it ends.',
      );
    },
  );
  const skipped = plan.folders.flatMap((f) =>
    f.actions
      .filter((a) => a.type === 'skip' && a.reason === STILL_BEING_WRITTEN)
      .map((a) => ({ folder: a.folder, relPath: a.relPath, reason: 'still being written' })),
  );
  const failures: PushNowResult['failures'] = [];
  for (const failure of summary?.failures ?? []) {
    // Written to while it went up: the upload was refused whole, S3 kept what it had.
    if (failure.message.includes('changed while uploading')) {
      skipped.push({ folder: failure.folder, relPath: failure.relPath, reason: 'changed while uploading' });
    } else failures.push({ folder: failure.folder, relPath: failure.relPath, message: failure.message });
  }
  return { folders: [...folders], uploaded: summary?.uploaded ?? 0, bytes: summary?.bytes ?? 0, skipped, failures };
}

function folderOf(storage: RunStorage, name: PushNowFolder) {
  const folders = storage.spec.folders;
  const folder = name === 'logs' ? logsFolderOf(folders) : folders.find((f) => f.name === name);
  if (!folder || folder.policy === 'pull-only') {
    throw new PhaseError(
      `this run has no pushable folder named ${name}`,
      `Choose one of ${folders
        .filter((f) => f.policy !== 'pull-only')
        .map((f) => f.name)
        .join(', ')}.`,
    );
  }
  return folder;
}

/**
 * Marks this process as the push during training (its PID and start time in `push-now.pid`, an
 * exclusive PID file: `claimPidFileSync`), refusing when the run has ended (its final push ran or
 * runs: status.json is written after it) or while an earlier push now still runs. A file left by a
 * killed push is taken over, by exactly one of several pushes racing for it. Returns the release.
 *
 * Exclusive on purpose: the file is how the final push finds a push now to stop. Overwritten by a
 * second push (which then loses the sync lock and removes "its" file), it would leave the first
 * running unseen, holding the sync lock while the final push gives up.
 */
export function claimPushNow(layout: WorkLayout): () => void {
  if (existsSync(layout.statusFile)) {
    throw new PhaseError(
      'the training has ended and the final push has run',
      'Nothing to push now: the run pushes everything when it ends.',
    );
  }
  // PID and start time ("PID START_TICKS"): a file left by a killed push must never make the final
  // push signal whichever process got that PID next.
  const claim = claimPidFileSync(layout.pushNowPidFile, 'pid-line');
  if (claim.held) return claim.release;
  throw new PhaseError(
    `a push asked for earlier is still running (PID ${claim.holder.pid})`,
    'Wait for it to finish; the run’s events say what it moved.',
  );
}

/**
 * Before the executor's final push: a push during training still going is stopped (SIGTERM:
 * it aborts, its upload in flight is abandoned, S3 keeps the earlier version) and waited for,
 * at most `limitMs`, then killed. The final push has the whole data to move, and a spot notice leaves two minutes.
 */
export async function stopPushNow(layout: WorkLayout, limitMs = 20_000): Promise<'none' | 'stopped' | 'killed'> {
  const recorded = readPidFileHolder(layout.pushNowPidFile);
  if (!recorded || !holderAlive(recorded)) return 'none';
  const { pid } = recorded;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'none';
  }
  for (let waited = 0; waited < limitMs; waited += 100) {
    if (!alive(pid)) return 'stopped';
    await sleep(100);
  }
  // Its sync lock then names a dead process: the final push takes it over.
  process.kill(pid, 'SIGKILL');
  return 'killed';
}
