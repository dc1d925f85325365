import { DEFAULT_MONITORING } from '../../shared/domain/settings';
import { type BurnInput, computeBurn } from '../../shared/monitor/burn';
import type { PriceTable } from '../../shared/pricing/price-table';
import type { SpotNowAnswer } from '../../shared/pricing/spot-now-price';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { realSleep, type Sleep } from '../core/sleep';
import type { RemoteShell } from '../host/remote-host';
import { HealthSampler } from './health-sampler';
import { readLiveBar } from './live-bar-reader';
import { LogTail } from './log-tail';
import { pushedBytes } from './pushed-bytes';
import type { RunMonitor } from './run-monitor';
import { checkSpotOverShell } from './spot-imds';
import { type SpotRead, SpotRereader } from './spot-reread';
import { shellTailSource, type TailSource } from './tail-source';

/** Default sampling period: fine enough for charts, cheap enough for hours (one command per tick). */
const DEFAULT_SAMPLE_INTERVAL_MS = DEFAULT_MONITORING.sampleIntervalSeconds * 1000;

/** Where the run's files are on the watched machine. */
export interface RunPaths {
  /** The data volume (measured by df). */
  dataDir: string;
  trainLog: string;
  metricsJsonl: string;
  executorJsonl: string;
  /** `train-live.json`, the live progress bar (absent: the executor predates it). */
  liveBar?: string;
  /** The folders a push moves (models, checkpoints, logs): their size is the budget's stop model. */
  pushDirs?: string[];
}

/** How often the pushed folders are measured (`du`): their size changes with each checkpoint, not each second. */
const PUSH_SIZE_EVERY_MS = 60_000;

/** Settings of a {@link RunWatcher}. */
export interface WatchOptions {
  monitor: RunMonitor;
  shell: RemoteShell;
  paths: RunPaths;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
  sleep?: Sleep;
  /** The instance and volumes for the burn rate (absent for ssh-host and local runs). */
  burn?: Omit<BurnInput, 'now' | 'etaSeconds'>;
  /** Reads files some other way than through the shell (tests: local files). */
  source?: (path: string) => TailSource;
  /** A spot instance: ask IMDS for an interruption notice every tick. */
  checkSpot?: boolean;
  /** Measure the pushed folders (`paths.pushDirs`) for the budget's stop model. */
  measurePush?: boolean;
}

/**
 * The loop behind a watched run: every interval, one health command and one bounded read of
 * each log, then the cost. A failed step (SSH down, timeout) is logged and skipped; the loop
 * ends only when its signal aborts. The tails keep their byte offsets, so after a reconnect
 * (`setShell` with the new session) reading resumes where it stopped.
 */
export class RunWatcher {
  private shell: RemoteShell;
  private readonly sampler: HealthSampler;
  private readonly train: LogTail;
  private readonly metrics: LogTail;
  private readonly executor: LogTail;
  private readonly liveBar: TailSource | undefined;
  private pushSizedAt = -Infinity;
  private spotReader: SpotRereader | undefined;
  private watchSignal: AbortSignal | undefined;

  constructor(private readonly options: WatchOptions) {
    this.shell = options.shell;
    // Indirection so a reconnect swaps the session under the sampler and the tails.
    const shell: RemoteShell = { exec: (command, execOptions) => this.shell.exec(command, execOptions) };
    const source = options.source ?? ((path: string) => shellTailSource(shell, path));
    this.sampler = new HealthSampler({ shell, clock: options.clock, dataDir: options.paths.dataDir });
    this.train = new LogTail(source(options.paths.trainLog));
    this.metrics = new LogTail(source(options.paths.metricsJsonl));
    this.executor = new LogTail(source(options.paths.executorJsonl));
    this.liveBar = options.paths.liveBar ? source(options.paths.liveBar) : undefined;
  }

  /**
   * Starts pricing the run and/or asking IMDS for spot notices (facts known after the watch began).
   * With `readSpot`, a spot instance's price is read now and again every `spotEveryMs` until `signal`
   * (the watch's) aborts; each period is priced at the price in force ({@link setSpot}).
   */
  setAws(aws: {
    burn?: WatchOptions['burn'];
    checkSpot?: boolean;
    readSpot?: SpotRead;
    spotEveryMs?: number;
    signal?: AbortSignal;
  }): void {
    if (aws.burn) this.options.burn = aws.burn;
    if (aws.checkSpot !== undefined) this.options.checkSpot = aws.checkSpot;
    this.price();
    if (aws.readSpot && aws.signal) {
      this.watchSignal = aws.signal;
      this.spotReader = new SpotRereader(
        aws.readSpot,
        this.options.clock,
        (spot) => this.setSpot(spot),
        aws.spotEveryMs,
      );
      this.spotReader.maybeRead(aws.signal);
    }
  }

  /** Prices the burn with the run region's prices from now on (they arrive after the instance is known). */
  setPrices(prices: PriceTable): void {
    if (!this.options.burn) return;
    this.options.burn = { ...this.options.burn, prices };
    this.price();
  }

  /**
   * Prices a spot instance at its type's newest spot price per zone from now on (or the on-demand
   * bound, with why); the time before stays at the price that was in force then (`spotBefore`). A
   * failed read after a good one keeps the good one in force: a denied or slow call is not a price.
   */
  setSpot(spot: SpotNowAnswer): void {
    const burn = this.options.burn;
    if (!burn) return;
    const previous = burn.spot;
    if (previous && 'zones' in previous && 'problem' in spot) return;
    if (previous && JSON.stringify(previous) === JSON.stringify(spot)) return;
    const spotBefore = previous
      ? [...(burn.spotBefore ?? []), { until: this.options.clock.now(), spot: previous }]
      : burn.spotBefore;
    this.options.burn = { ...burn, spot, ...(spotBefore ? { spotBefore } : {}) };
    this.price();
  }

  /** Uses a new session from now on (after the pipeline reconnected). */
  setShell(shell: RemoteShell): void {
    this.shell = shell;
  }

  /** One round: health, the three logs, cost. Never rejects. */
  async tick(watchSignal: AbortSignal): Promise<void> {
    // A signal per tick, linked to the watch's: shells may leave an abort listener per command
    // on the signal they get, and on one signal living for days those would pile up by the
    // hundred thousand. A tick's signal is garbage once the tick is over.
    if (watchSignal.aborted) return;
    // The spot price is read beside the round, on the watch's signal (a read may outlive a tick).
    this.spotReader?.maybeRead(this.watchSignal ?? watchSignal);
    const tick = new AbortController();
    const forward = () => tick.abort(watchSignal.reason);
    watchSignal.addEventListener('abort', forward, { once: true });
    try {
      await this.round(tick.signal);
    } finally {
      watchSignal.removeEventListener('abort', forward);
    }
  }

  private async round(signal: AbortSignal): Promise<void> {
    const { monitor } = this.options;
    await this.step('health', signal, async () => monitor.addHealth(await this.sampler.sample(signal)));
    await this.step('train.log', signal, async () => {
      const read = await this.train.poll(signal);
      if (read.reset) monitor.noteLogReset(read.reset);
      monitor.addTrainLines(read.lines);
    });
    await this.step('metrics.jsonl', signal, async () =>
      monitor.addMetricsLines((await this.metrics.poll(signal)).lines),
    );
    await this.step('executor.jsonl', signal, async () =>
      monitor.addExecutorLines((await this.executor.poll(signal)).lines),
    );
    const liveBar = this.liveBar;
    if (liveBar) {
      await this.step('train-live.json', signal, async () => {
        const record = await readLiveBar(liveBar, signal);
        if (record) monitor.addLiveBar(record);
      });
    }
    await this.measurePush(signal);
    if (this.options.checkSpot) {
      await this.step('spot notice', signal, async () => {
        const notice = await checkSpotOverShell(this.shell, signal);
        if (notice) monitor.addCloud({ spotInterruption: notice });
      });
    }
    this.price();
  }

  // Only a run with a budget needs it; once a minute at most, one bounded command.
  private async measurePush(signal: AbortSignal): Promise<void> {
    const dirs = this.options.paths.pushDirs;
    const now = this.options.clock.now();
    if (!dirs?.length || !this.options.measurePush || now - this.pushSizedAt < PUSH_SIZE_EVERY_MS) return;
    this.pushSizedAt = now;
    await this.step('push size', signal, async () => {
      const bytes = await pushedBytes(this.shell, dirs, signal);
      if (bytes !== undefined) this.options.monitor.setPushBytes(bytes);
    });
  }

  private price(): void {
    const { monitor, clock, burn } = this.options;
    if (!burn) return;
    const eta = monitor.etaSeconds();
    monitor.setCost(computeBurn({ ...burn, now: clock.now(), ...(eta !== undefined ? { etaSeconds: eta } : {}) }));
  }

  /** Ticks every interval until `signal` aborts (or `maxTicks`, for tests). */
  async run(signal: AbortSignal, maxTicks = Infinity): Promise<void> {
    const sleep = this.options.sleep ?? realSleep;
    for (let tick = 0; tick < maxTicks && !signal.aborted; tick++) {
      await this.tick(signal);
      // Aborted during the round: a sleep given a spent signal may never hear of it.
      if (signal.aborted) return;
      try {
        await sleep(this.options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS, signal);
      } catch {
        return;
      }
    }
  }

  private async step(what: string, signal: AbortSignal, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (signal.aborted) return;
      this.options.log.debug(`monitor: ${what} skipped`, {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
