import type { RunSnapshot } from '../../shared/domain/run';
import type { PushNowFolder, PushNowReport, PushNowResult } from '../../shared/executor/protocol';
import { PUSH_NOW_LIMIT_MS } from '../../shared/ipc/answer-limits';
import { TypedError } from '../../shared/ipc/result';
import { workLayout } from '../executor/work-layout';
import { runDir } from '../lifecycle/journal/run-journal';
import { newestCheckpoint, pushNowOnMachine, type RunControls } from './pipeline/push-now';
import { readAttach } from './reattach/attach-journal';
import type { AttachableState, ReattachPort } from './reattach/reattach-resources';

const notTraining = (runId: string) =>
  new TypedError('PRECONDITION_FAILED', `Run ${runId} is not training now, so there is nothing to push early.`, {
    fix: 'Push now works while the training runs; every run pushes all its folders when it ends.',
  });

/**
 * A push during training of a run this TrainDeck follows: through the follow's own connection
 * and in-memory secrets. Returns what moved and the newest checkpoint now in S3.
 */
export async function pushNowLive(
  runId: string,
  controls: RunControls,
  folders: readonly PushNowFolder[],
): Promise<PushNowReport> {
  if (!controls.pushNow) throw notTraining(runId);
  const signal = AbortSignal.timeout(PUSH_NOW_LIMIT_MS);
  const result = await controls.pushNow(folders, signal);
  const newest = await controls.newestCheckpoint?.(signal).catch(() => undefined);
  return { ...result, ...(newest ? { newestCheckpoint: newest } : {}) };
}

/**
 * A push during training of a run another TrainDeck runs (the app, or `traindeck run` in
 * another terminal): the machine is reached again from the run's attach journal with its pinned
 * host key, and the secrets are read again from their files (as a reattach does); only the
 * executor recorded at start is run, beside the training. The run is not taken over.
 */
export async function pushNowDetached(
  input: { dataDir: string; reattach: ReattachPort | undefined; snapshot: RunSnapshot | undefined },
  runId: string,
  folders: readonly PushNowFolder[],
): Promise<PushNowReport> {
  if (!input.snapshot) {
    throw new TypedError('NOT_FOUND', `No run ${runId}.`, { fix: '`traindeck` lists runs in the app’s Runs page.' });
  }
  if (input.snapshot.state !== 'running' || input.snapshot.phases.training.status !== 'running') {
    throw notTraining(runId);
  }
  const attach = readAttach(runDir(input.dataDir, runId));
  if (attach?.unreadable) {
    throw new TypedError('PRECONDITION_FAILED', attach.unreadable.message, {
      ...(attach.unreadable.fix ? { fix: attach.unreadable.fix } : {}),
    });
  }
  const identity = attach?.executor;
  if (!input.reattach || !attach?.run || !attach.machine || !identity?.node || !identity.bundleSha256) {
    throw new TypedError('PRECONDITION_FAILED', `Run ${runId} recorded no way to reach its executor again.`, {
      fix: 'Use “Push checkpoints now” in the app (or wait: the run pushes every folder when it ends).',
    });
  }
  const resources = await input.reattach.resources(runId, attach as AttachableState);
  const signal = AbortSignal.timeout(PUSH_NOW_LIMIT_MS);
  const host = await resources.connector.connect(AbortSignal.any([signal, AbortSignal.timeout(5 * 60_000)]));
  let result: PushNowResult;
  try {
    const layout = workLayout(attach.machine.workDir, { storage: attach.machine.storage, runId });
    result = await pushNowOnMachine(
      host,
      { layout, secrets: resources.secrets, identity: { node: identity.node, bundleSha256: identity.bundleSha256 } },
      folders,
      signal,
    );
  } finally {
    await host.close();
  }
  const newest = await newestCheckpoint(resources.store, attach.machine.storage, signal).catch(() => undefined);
  return { ...result, ...(newest ? { newestCheckpoint: newest } : {}) };
}

/** One line for the run's events: what a push during training did. */
export function describePushNow(report: PushNowResult): string {
  const skipped = report.skipped.map((s) => `${s.relPath} (${s.reason})`);
  return [
    `push now (${report.folders.join(', ')}): ${report.uploaded} file(s) up`,
    ...(skipped.length ? [`skipped ${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}`] : []),
    ...(report.failures.length ? [`${report.failures.length} failed, first ${report.failures[0]!.relPath}`] : []),
  ].join('; ');
}
