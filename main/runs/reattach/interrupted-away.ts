import type { ExecutorEvent } from '../../../shared/executor/protocol';
import { logsFolderOf, RUN_LOG_FILES, runFolders } from '../../../shared/executor/run-folders';
import { folderPrefix } from '../../../shared/sync/keys';
import { SPOT_TERMINATION } from '../../aws/ports/ec2-types';
import type { ObjectStore } from '../../aws/ports/object-store';
import type { AttachState } from './attach-journal';
import type { AttachableState, InstanceEnd } from './reattach-resources';
import type { BetweenState } from './resume-between';

/** A run whose followed spot instance AWS took back while no TrainDeck ran, as the relaunch takes it on. */
export interface InterruptedAway {
  /** The attach journal as if the killed TrainDeck had decided the relaunch (the next attempt pending). */
  between: BetweenState;
  /** Whether the executor's own log in S3 says its push after the interruption completed. */
  pushVerified: boolean;
  /** What was found, in one line (said in the run's log). */
  said: string;
}

/**
 * A killed TrainDeck before it read the interruption: the machine it followed is gone, so following it
 * can only fail. When AWS took it back by a spot interruption (its StateReason) the attempt ended
 * interrupted, and the run goes on by the same relaunch as one left between attempts; gone for another
 * reason (a user's teardown, its time-to-live), undefined: it is followed as before and ends with a true report.
 */
export async function interruptedAway(input: {
  runId: string;
  attach: AttachableState;
  /** The followed attempt's number (the run's last recorded one). */
  lastAttempt: number;
  end: InstanceEnd | undefined;
  store: ObjectStore;
  signal: AbortSignal;
}): Promise<InterruptedAway | undefined> {
  const aws = input.attach.machine.aws;
  const { end } = input;
  if (!aws || !end || (end.state !== 'terminated' && end.state !== 'shutting-down')) return undefined;
  if (end.reason !== SPOT_TERMINATION) return undefined;
  const pushed = await pushedAfterInterruption(
    input.store,
    input.attach.machine,
    input.runId,
    input.lastAttempt,
    input.signal,
  );
  const between: BetweenState = {
    ...input.attach,
    machine: { ...input.attach.machine, aws },
    relaunch: { type: 'relaunch', attempt: input.lastAttempt + 1, market: 'spot', reason: 'spot interruption' },
  };
  return {
    between,
    pushVerified: pushed.verified,
    said: `${aws.instanceId} is ${end.state} (${end.reason}): AWS took it back while no TrainDeck ran; ${pushed.said}`,
  };
}

/**
 * Its status.json went with the machine's disk: what remains is the executor's own log, whose S3 copy
 * ends with its `done` line (the final logs push). Every attempt appends to the same log, and a clock
 * says nothing across machines: the attempt's lines are those after the last earlier attempt's end, up
 * to its own `done` (which names it). Its push counts as done only with a `pushing` success without
 * failures there and that `done` saying `spot-interrupted`.
 */
async function pushedAfterInterruption(
  store: ObjectStore,
  machine: NonNullable<AttachState['machine']>,
  runId: string,
  attempt: number,
  signal: AbortSignal,
): Promise<{ verified: boolean; said: string }> {
  const logs = logsFolderOf(runFolders(machine.storage.folders, runId));
  if (!logs) return { verified: false, said: 'the run pushes no logs folder, so its push cannot be verified' };
  const key = folderPrefix(machine.storage.prefix, logs.remote) + RUN_LOG_FILES.events;
  let text: string;
  try {
    const { body } = await store.get(key, undefined, signal);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    return { verified: false, said: `its executor's log is not in S3 (${key}: ${(error as Error).message})` };
  }
  const lines = text.split('\n').flatMap(eventOf);
  const ends = lines.flatMap((e, i) => (e.phase === 'done' && e.status !== 'info' ? [i] : []));
  // The executor writes its end last; the training can write to this log too, so an earlier line claiming it is not believed.
  const own = ends.findLast((i) => lines[i]!.detail?.['attempt'] === attempt);
  if (own === undefined) {
    return { verified: false, said: `its executor's log in S3 has no end of attempt ${attempt}` };
  }
  const from = ends.filter((i) => i < own).at(-1) ?? -1;
  const pushed = lines
    .slice(from + 1, own)
    .some((e) => e.phase === 'pushing' && e.status === 'succeeded' && e.detail?.['failures'] === 0);
  const interrupted = lines[own]!.detail?.['outcome'] === 'spot-interrupted';
  if (pushed && interrupted) {
    return { verified: true, said: `its executor's log in S3 says attempt ${attempt} was interrupted and pushed` };
  }
  return {
    verified: false,
    said: `its executor's log in S3 says attempt ${attempt} ended ${String(lines[own]!.detail?.['outcome'])}${pushed ? '' : ' without a complete push'}`,
  };
}

function eventOf(line: string): ExecutorEvent[] {
  try {
    const event = JSON.parse(line) as ExecutorEvent;
    return event && typeof event === 'object' && typeof event.phase === 'string' ? [event] : [];
  } catch {
    return [];
  }
}
