import { EXECUTOR_PHASES, type ExecutorEvent } from '../../../shared/executor/protocol';
import type { WorkLayout } from '../../executor/work-layout';
import { ConnectionLost, type HostConnector, isConnectionLost, type RemoteHost } from '../../host/remote-host';
import { LineReader } from './line-reader';
import { Waker } from './waker';

/** What the follower reports. */
export interface FollowCallbacks {
  onExecutorEvent(event: ExecutorEvent): void;
  onTrainLine(line: string): void;
  onInfo(message: string): void;
  /** The new connection after a drop. */
  onReconnect?(host: RemoteHost): void;
}

/** Byte offsets of the three files the follower tails: where a reattach resumes. */
export interface FollowOffsets {
  events: number;
  train: number;
  sync: number;
}

/**
 * How the follower keeps trying after the link drops: a few fast rounds (each one a
 * `connector.connect` with its own bounded backoff), then a slow retry that goes on until the
 * run's deadline. A lost connection never fails a run whose executor is still training.
 */
export interface ReconnectPolicy {
  fastRounds: number;
  fastPauseMs: number;
  slowPauseMs: number;
}

/** Three fast rounds ten polls apart (10 s at the default 1 s poll), then every 45 s. */
function defaultReconnectPolicy(pollMs: number): ReconnectPolicy {
  return { fastRounds: 3, fastPauseMs: Math.min(10_000, pollMs * 10), slowPauseMs: 45_000 };
}

/** Follows until the executor's `done` line, reconnecting on drops. */
export interface FollowOptions {
  layout: WorkLayout;
  connector: HostConnector;
  host: RemoteHost;
  pollMs: number;
  /** Hard limit for the whole follow (TTL + grace + push). */
  deadline: number;
  now: () => number;
  signal: AbortSignal;
  /** Called once when `signal` aborts: the graceful stop request. */
  onCancel(host: RemoteHost): Promise<void>;
  /** The executor's pid: checked when nothing new arrives, so a crashed executor is noticed. */
  pid: number;
  /** Quiet polls between liveness checks. */
  livenessEvery?: number;
  reconnect?: ReconnectPolicy;
  /** Cuts the reconnect pause short (wake from sleep, network back, "retry now"). */
  waker?: Waker;
  /** Where to resume reading (a reattach); from the start when absent. */
  start?: FollowOffsets;
  /**
   * The offsets once the lines before them were handed out: at once when executor events were
   * read, at most every 10 s for the training log and sync figures (what a reattach needs).
   */
  onOffsets?(offsets: FollowOffsets): void;
}

// How often moving training-log offsets are reported (executor events are reported at once).
const OFFSETS_EVERY_MS = 10_000;

/**
 * Tails executor.jsonl, train.log and sync.jsonl by byte offset until the executor writes its final
 * `done` line. A dropped (or stalled) connection is reconnected and the offsets carry on, so every
 * line arrives exactly once. Returns the live host.
 */
export async function followExecutor(options: FollowOptions, callbacks: FollowCallbacks): Promise<RemoteHost> {
  const events = new LineReader(options.layout.eventsFile, options.start?.events);
  const train = new LineReader(options.layout.trainLog, options.start?.train);
  const sync = new LineReader(options.layout.syncFile, options.start?.sync);
  const waker = options.waker ?? new Waker();
  let wakes = waker.count;
  let host = options.host;
  let cancelSent = false;
  let done = false;
  // A reattach checks at once whether the executor is still there (it may have ended meanwhile).
  let quiet = options.start ? (options.livenessEvery ?? 10) - 1 : 0;
  let reported = { events: events.offset, train: train.offset, sync: sync.offset, at: options.now() };
  while (!done) {
    if (options.now() > options.deadline) throw new Error('the executor did not finish before its time limit');
    try {
      if (options.signal.aborted && !cancelSent) {
        callbacks.onInfo('stopping training gracefully, then pushing');
        await options.onCancel(host);
        // Only once it was delivered: a drop while sending retries it after the reconnect.
        cancelSent = true;
      }
      const lines = await events.next(host);
      // The training log is read after the events, so it holds every line written before them; the
      // events from the training's end on wait for those lines (the log is complete once training
      // ended): "✓ training" and "→ pushing" come after the last training line, never before it.
      const parsed = lines.map(parseEvent).filter((event): event is ExecutorEvent => event !== undefined);
      const split = parsed.findIndex(endsTraining);
      const before = split < 0 ? parsed : parsed.slice(0, split);
      const after = split < 0 ? [] : parsed.slice(split);
      const deliver = (event: ExecutorEvent) => {
        callbacks.onExecutorEvent(event);
        if (event.phase === 'done' && event.status !== 'info' && event.status !== 'started') done = true;
      };
      before.forEach(deliver);
      // After `done` one more read drains the training log's last lines and the final sync figures.
      const trainLines = await train.next(host);
      for (const line of trainLines) callbacks.onTrainLine(line);
      after.forEach(deliver);
      const syncLines = await sync.next(host);
      for (const event of syncLines.map(parseEvent)) if (event) callbacks.onExecutorEvent(event);
      const moved = events.offset !== reported.events;
      const drifted = train.offset !== reported.train || sync.offset !== reported.sync;
      if (moved || (drifted && options.now() - reported.at >= OFFSETS_EVERY_MS)) {
        reported = { events: events.offset, train: train.offset, sync: sync.offset, at: options.now() };
        options.onOffsets?.({ events: events.offset, train: train.offset, sync: sync.offset });
      }
      quiet = lines.length + trainLines.length + syncLines.length > 0 ? 0 : quiet + 1;
      // After a wake the link may look open though it died during sleep: check it now.
      const woken = waker.count !== wakes;
      wakes = waker.count;
      if (!done && (quiet >= (options.livenessEvery ?? 10) || woken)) {
        quiet = 0;
        done = await assertAlive(host, options, events.offset);
      }
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      callbacks.onInfo(`connection lost (${(error as Error).message}); reconnecting`);
      await host.close().catch(() => undefined);
      host = await reconnect(options, callbacks, waker);
      wakes = waker.count;
      callbacks.onReconnect?.(host);
      callbacks.onInfo(`reconnected; resuming at byte ${train.offset} of train.log`);
      continue;
    }
    // A cancel cuts the pause short once (to send the stop); after that the poll keeps its pace.
    if (!done) await waker.sleep(options.pollMs, cancelSent ? undefined : options.signal);
  }
  return host;
}

/**
 * The desktop losing its network (a laptop asleep) must not end a run that is fine on its
 * machine: a few fast rounds, then a slow retry until the deadline, each pause cut short by
 * the waker (and by a cancel, which then gets its own try). A changed host key or a cancel that
 * cannot be delivered ends the wait (the machine's TTL still stops it).
 */
async function reconnect(options: FollowOptions, callbacks: FollowCallbacks, waker: Waker): Promise<RemoteHost> {
  const policy = options.reconnect ?? defaultReconnectPolicy(options.pollMs);
  const label = options.connector.label;
  for (let round = 1; ; round++) {
    // A wake during this attempt (the network came back while it failed) skips the pause.
    const seen = waker.count;
    try {
      return await options.connector.connect(AbortSignal.timeout(5 * 60_000));
    } catch (error) {
      if ((error as { code?: string }).code === 'PRECONDITION_FAILED') throw error;
      const why = (error as Error).message;
      if (options.signal.aborted) {
        throw new Error(`cannot reach ${label} to stop the training; its time-to-live will stop it (${why})`, {
          cause: error,
        });
      }
      if (options.now() > options.deadline) {
        throw new Error(
          `cannot reach ${label} and the run's time limit has passed; its time-to-live stopped it (${why})`,
          {
            cause: error,
          },
        );
      }
      const slow = round > policy.fastRounds;
      const pause = slow ? policy.slowPauseMs : policy.fastPauseMs;
      callbacks.onInfo(
        slow
          ? `connection lost, retrying every ${Math.round(pause / 1000)} s until ${new Date(options.deadline).toISOString()}: still cannot reach ${label} (round ${round}); the run goes on there`
          : `still cannot reach ${label} (attempt round ${round}); the run goes on there, retrying`,
      );
      if ((await waker.sleep(pause, options.signal, seen)) === 'woken') callbacks.onInfo(`retrying ${label} now`);
    }
  }
}

// A crashed executor writes no `done`: without this check the desktop would wait for the deadline.
// True when the executor ended with its `done` line before `offset` (a reattach that started reading after it).
async function assertAlive(host: RemoteHost, options: FollowOptions, offset: number): Promise<boolean> {
  // No answer within the limit is a stalled link (a socket that died during sleep), not a dead executor.
  const probe = await host
    .exec(`kill -0 ${options.pid} 2>/dev/null && echo alive || echo gone`, { timeoutMs: 30_000 })
    .catch((error: unknown) => {
      if (isConnectionLost(error)) throw error;
      throw new ConnectionLost(
        `no answer to a liveness check (${error instanceof Error ? error.message : String(error)})`,
      );
    });
  if (probe.stdout.includes('alive')) return false;
  // It may have finished between our read and the probe: one more read of the events decides.
  const last = await host.read(options.layout.eventsFile, 0, 64 * 1024 * 1024);
  const finished = (text: string) =>
    text.split('\n').some((line) => /"phase":"done","status":"(succeeded|failed)"/.test(line));
  if (last && finished(last.toString('utf8'))) return finished(last.subarray(0, offset).toString('utf8'));
  const err = (await host.read(options.layout.stderrFile, 0, 64 * 1024))?.toString('utf8').trim().split('\n').pop();
  throw new Error(`the executor (pid ${options.pid}) stopped without finishing${err ? `: ${err}` : ''}`);
}

const AFTER_TRAINING = new Set<string>(EXECUTOR_PHASES.slice(EXECUTOR_PHASES.indexOf('training') + 1));

// The training's end (it succeeded, failed or was stopped) or any phase after it.
function endsTraining(event: ExecutorEvent): boolean {
  if (event.phase === 'training') return event.status === 'succeeded' || event.status === 'failed';
  return AFTER_TRAINING.has(event.phase);
}

function parseEvent(line: string): ExecutorEvent | undefined {
  try {
    const value = JSON.parse(line) as ExecutorEvent;
    return typeof value.phase === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
