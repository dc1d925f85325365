import { type AppSettings, DEFAULT_MONITORING } from '../../shared/domain/settings';
import { compilePatterns, DEFAULT_PROGRESS_PATTERNS } from '../../shared/monitor/log-patterns';
import { stallRuleOf } from '../../shared/monitor/stall';
import type { PriceTable } from '../../shared/pricing/price-table';
import type { SpotNowAnswer } from '../../shared/pricing/spot-now-price';
import type { MonitoringConfig } from '../../shared/run-config/monitoring-section';
import type { InstanceMetricsPort } from '../aws/ports/metrics-port';
import { createSdkInstanceMetricsPort } from '../aws/sdk/cloudwatch-adapter';
import type { AutoStopSettings } from '../monitor/auto-stop';
import type { MonitorService, WatchRequest } from '../monitor/monitor-service';
import type { AwsMachine } from './pipeline/compute-backend';
import type { RunObserver, RunStopGuard } from './pipeline/run-observer';

/** The newest spot price per zone of a type in a region (main's spot-now.ts, as the Costs page reads it; never throws). */
export type SpotNowReader = (
  target: { region: string; profile?: string },
  instanceType: string,
  signal?: AbortSignal,
) => Promise<SpotNowAnswer>;

/** Builds the CloudWatch/EC2 metrics port of a region (injected in tests). */
export type MetricsPortFactory = (machine: AwsMachine) => InstanceMetricsPort;

const sdkMetricsPort: MetricsPortFactory = (machine) =>
  createSdkInstanceMetricsPort({ region: machine.region, ...(machine.profile ? { profile: machine.profile } : {}) });

/**
 * Hands a training run to the monitor: it samples health and tails the logs through the
 * pipeline's own SSH connection (or this computer for local runs), follows reconnects, and
 * stops when the run ends (its data stays for the page). On EC2 it also prices the instance
 * (burn rate: a spot instance at its zone's spot price now, as the Costs page prices it, and the
 * earlier attempts of a relaunched run), watches for a spot notice, and polls CloudWatch, which
 * keeps working when SSH does not.
 */
export function monitorObserver(
  monitor: MonitorService,
  metricsPort: MetricsPortFactory = sdkMetricsPort,
  /** How a run whose config has no monitoring section is watched: the Settings page's values. */
  monitoringDefaults: () => AppSettings['monitoring'] = () => DEFAULT_MONITORING,
  /** The run region's prices (main's one price source); absent: the burn uses the bundled table. */
  prices?: (target: { region: string; profile?: string }) => Promise<PriceTable>,
  /**
   * The CLI's use: watch only a run the monitor may stop (budget, stall or NaN-loss action), and
   * without CloudWatch or the IMDS check (the executor watches spot notices itself).
   */
  options: {
    stopsOnly?: boolean;
    /** A spot instance's price now; absent: it is budgeted and shown at the on-demand upper bound. */
    spotNow?: SpotNowReader;
    /** How often a spot price is read again while the run trains (default: spot-reread.ts's SPOT_REREAD_MS). */
    spotEveryMs?: number;
  } = {},
): RunObserver {
  return {
    trainingStarted: (runId, host, paths, context = {}) => {
      const settings = watchSettings(context.monitoring, monitoringDefaults());
      const autoStop = autoStopOf(context.guard, context.monitoring, settings.intervalMs);
      if (options.stopsOnly && !autoStop) return;
      void monitor.watch({
        runId,
        shell: host,
        paths,
        ...settings,
        // Only a budget needs the pushed folders' size.
        ...(autoStop ? { autoStop, measurePush: autoStop.budget !== undefined } : {}),
      });
      const aws = context.aws;
      if (!aws) return;
      const target = { region: aws.region, ...(aws.profile ? { profile: aws.profile } : {}) };
      const spotNow = options.spotNow;
      monitor.attachAws(runId, {
        burn: {
          instanceType: aws.instanceType,
          volumes: [{ volumeType: 'gp3', sizeGb: aws.diskGb }],
          startedAt: aws.launchedAt,
          hasPublicIp: true,
          ...(aws.spot ? { market: 'spot' as const, ...(aws.zone ? { zone: aws.zone } : {}) } : {}),
          ...(aws.spot && !options.spotNow ? { spot: { problem: 'This TrainDeck does not read spot prices.' } } : {}),
          ...(context.earlierAttempts ? { earlier: context.earlierAttempts } : {}),
        },
        spot: aws.spot && !options.stopsOnly,
        ...(options.stopsOnly ? {} : { cloud: { port: metricsPort(aws), instanceId: aws.instanceId } }),
        // Spot: on-demand (at most) for the seconds until its price now is read, then read again at
        // a bounded interval while it trains (spot prices move); never throws.
        ...(aws.spot && spotNow
          ? { readSpot: (signal: AbortSignal) => spotNow(target, aws.instanceType, signal) }
          : {}),
        ...(options.spotEveryMs !== undefined ? { spotEveryMs: options.spotEveryMs } : {}),
      });
      // The burn starts on the bundled table and moves to the region's prices when they are read (never throws).
      if (prices) {
        void prices(target).then((table) => monitor.setPrices(runId, table));
      }
    },
    reconnected: (runId, host) => monitor.setShell(runId, host),
    ended: (runId) => monitor.finish(runId),
  };
}

/**
 * The monitor's stop settings of a run: its budget (checked at every cost update, with a round's
 * slack for a slow SSH round: 2 intervals + 60 s), the stall and NaN-loss actions. Undefined when
 * nothing may stop it.
 */
export function autoStopOf(
  guard: RunStopGuard | undefined,
  monitoring: MonitoringConfig | undefined,
  intervalMs: number | undefined,
): AutoStopSettings | undefined {
  if (!guard) return undefined;
  const stallAction = monitoring?.stall.action;
  const lossAction = monitoring?.nonFiniteLoss;
  if (guard.maxCostUsd === undefined && stallAction !== 'stop' && (lossAction ?? 'off') === 'off') return undefined;
  const intervalSeconds = (intervalMs ?? DEFAULT_MONITORING.sampleIntervalSeconds * 1000) / 1000;
  return {
    ...(guard.maxCostUsd !== undefined
      ? {
          budget: {
            maxCostUsd: guard.maxCostUsd,
            graceSeconds: guard.graceSeconds,
            checkEverySeconds: 2 * intervalSeconds + 60,
          },
        }
      : {}),
    ...(stallAction ? { stallAction } : {}),
    ...(lossAction ? { lossAction } : {}),
    requestStop: guard.requestStop,
  };
}

/**
 * The run config's monitoring section as watch options (user patterns are tried before the built-in
 * ones); without one, the app's monitoring settings.
 */
export function watchSettings(
  monitoring: MonitoringConfig | undefined,
  defaults: AppSettings['monitoring'],
): Pick<WatchRequest, 'intervalMs' | 'stallRule' | 'parse'> {
  if (!monitoring) {
    return { intervalMs: defaults.sampleIntervalSeconds * 1000, stallRule: stallRuleOf(defaults.stall) };
  }
  const { patterns } = compilePatterns(monitoring.progressPatterns); // validated by the schema already
  return {
    intervalMs: monitoring.sampleIntervalSeconds * 1000,
    stallRule: stallRuleOf(monitoring.stall),
    ...(patterns.length ? { parse: { patterns: [...patterns, ...DEFAULT_PROGRESS_PATTERNS] } } : {}),
  };
}
