import type { ExecutorEvent } from '../../../shared/executor/protocol';
import type { WorkLayout } from '../../executor/work-layout';
import { LineReader } from './line-reader';
import { isConnectionLost, type HostConnector, type RemoteHost } from './remote-host';

/** What the follower reports. */
export interface FollowCallbacks {
  onExecutorEvent(event: ExecutorEvent): void;
  onTrainLine(line: string): void;
  onInfo(message: string): void;
  /** The new connection after a drop. */
  onReconnect?(host: RemoteHost): void;
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
}

/**
 * Tails executor.jsonl, train.log and sync.jsonl by byte offset until the executor writes its final
 * `done` line. A dropped connection is reconnected (bounded backoff in the connector) and
 * the offsets carry on, so every line arrives exactly once. Returns the live host.
 */
export async function followExecutor(options: FollowOptions, callbacks: FollowCallbacks): Promise<RemoteHost> {
  const events = new LineReader(options.layout.eventsFile);
  const train = new LineReader(options.layout.trainLog);
  const sync = new LineReader(options.layout.syncFile);
  let host = options.host;
  let cancelSent = false;
  let done = false;
  let quiet = 0;
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
      for (const line of lines) {
        const event = parseEvent(line);
        if (!event) continue;
        callbacks.onExecutorEvent(event);
        if (event.phase === 'done' && event.status !== 'info' && event.status !== 'started') done = true;
      }
      // After `done` one more read drains the training log's last lines and the final sync figures.
      const trainLines = await train.next(host);
      for (const line of trainLines) callbacks.onTrainLine(line);
      const syncLines = await sync.next(host);
      for (const event of syncLines.map(parseEvent)) if (event) callbacks.onExecutorEvent(event);
      quiet = lines.length + trainLines.length + syncLines.length > 0 ? 0 : quiet + 1;
      if (!done && quiet >= (options.livenessEvery ?? 10)) {
        quiet = 0;
        await assertAlive(host, options);
      }
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      callbacks.onInfo(`connection lost (${(error as Error).message}); reconnecting`);
      await host.close().catch(() => undefined);
      host = await reconnect(options, callbacks);
      callbacks.onReconnect?.(host);
      callbacks.onInfo(`reconnected; resuming at byte ${train.offset} of train.log`);
      continue;
    }
    if (!done) await sleep(options.pollMs);
  }
  return host;
}

/**
 * The desktop losing its network (a laptop asleep) must not end a run that is fine on its
 * machine: keep trying until the deadline. A changed host key or a cancel that cannot be
 * delivered ends the wait (the machine's TTL still stops it).
 */
async function reconnect(options: FollowOptions, callbacks: FollowCallbacks): Promise<RemoteHost> {
  for (let round = 1; ; round++) {
    try {
      return await options.connector.connect(AbortSignal.timeout(5 * 60_000));
    } catch (error) {
      if ((error as { code?: string }).code === 'PRECONDITION_FAILED') throw error;
      if (options.signal.aborted)
        throw new Error(
          `cannot reach ${options.connector.label} to stop the training; its time-to-live will stop it (${(error as Error).message})`,
          { cause: error },
        );
      if (options.now() > options.deadline) throw error;
      callbacks.onInfo(
        `still cannot reach ${options.connector.label} (attempt round ${round}); the run goes on there, retrying`,
      );
      await sleep(Math.min(60_000, options.pollMs * 10));
    }
  }
}

// A crashed executor writes no `done`: without this check the desktop would wait for the deadline.
async function assertAlive(host: RemoteHost, options: FollowOptions): Promise<void> {
  const probe = await host.exec(`kill -0 ${options.pid} 2>/dev/null && echo alive || echo gone`, { timeoutMs: 30_000 });
  if (probe.stdout.includes('alive')) return;
  // It may have finished between our read and the probe: one more read of the events decides.
  const last = await host.read(options.layout.eventsFile, 0, 64 * 1024 * 1024);
  if (
    last
      ?.toString('utf8')
      .split('\n')
      .some((line) => /"phase":"done","status":"(succeeded|failed)"/.test(line))
  )
    return;
  const err = (await host.read(options.layout.stderrFile, 0, 64 * 1024))?.toString('utf8').trim().split('\n').pop();
  throw new Error(`the executor (pid ${options.pid}) stopped without finishing${err ? `: ${err}` : ''}`);
}

function parseEvent(line: string): ExecutorEvent | undefined {
  try {
    const value = JSON.parse(line) as ExecutorEvent;
    return typeof value.phase === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
