import type { AppInfo, TransportKind } from '../../shared/domain/app-info';
import { usesFakeAws } from '../aws/fake/demo-mode';
import { appDataDir, PRODUCT_NAME } from '../core/app-paths';
import { type Clock, isoNow, systemClock } from '../core/clock';
import { EventBus } from '../core/event-bus';
import { JobRunner } from '../core/jobs';
import type { Logger } from '../core/logger';
import { NotificationService } from '../core/notifications';
import { createRouter, type Router, type SenderPolicy } from '../core/router';
import { APP_VERSION } from '../core/version';
import { webhookTee } from '../core/webhook-tee';
import { createDashboard } from '../dashboard/create-dashboard';
import { SettingsStore } from '../dashboard/settings-store';
import { WebhookStore } from '../dashboard/webhook-store';
import { homeTarget } from '../lifecycle/lifecycle-deps';
import { priceSourceOf } from '../lifecycle/pricing/price-source';
import { spotNowOf } from '../lifecycle/pricing/spot-now';
import { MonitorNotifier } from '../monitor/monitor-notifier';
import { MonitorService } from '../monitor/monitor-service';
import { createRunService } from '../runs/create-run-service';
import { monitorObserver } from '../runs/monitor-observer';
import { createRunReports } from '../runs/report/create-run-reports';
import type { PdfPrinter } from '../runs/report/pdf-printer';
import type { RunReports } from '../runs/report/run-reports';
import type { RunService } from '../runs/run-service';
import type { KeyVault } from '../sync/key-vault';
import { confirmStoreCredentialsOnce } from '../trust/store-credential-consent';
import type { TrustGate } from '../trust/trust-gate';
import { runDoctor } from './doctor';
import { createHandlers } from './handlers';
import { lifecycleWorld } from './lifecycle-world';

/** What differs between the desktop app, the browser host and tests. */
export interface CoreOptions {
  transport: TransportKind;
  /** Decides which senders may call commands; each transport has its own rule. */
  isTrusted: SenderPolicy;
  log: Logger;
  projectRoot: string;
  env?: NodeJS.ProcessEnv;
  electronVersion?: string;
  clock?: Clock;
  /** Prints saved run reports to PDF: the desktop app's hidden window. Without it (browser host, tests) reports have no PDF. */
  pdfPrinter?: PdfPrinter;
  /**
   * Decides what the untrusted window may do on this machine: the desktop app's native dialogs, or
   * the browser host's allowlist, flags and terminal. Required: there is no safe default.
   */
  trust: TrustGate;
  /** Seals SSE-C keys at rest: the desktop app's OS keychain. Without it (browser host, tests) keys are plain 0600 files. */
  keyVault?: KeyVault;
}

/** Services, router and event bus: everything main does, without any window or socket. */
export interface Core {
  info: AppInfo;
  bus: EventBus;
  jobs: JobRunner;
  notifications: NotificationService;
  /** Watches runs (the pipeline calls `watch` when training starts) and raises their notifications. */
  monitor: MonitorService;
  /** Runs of the pipeline (executor over SSH, local, or EC2), their snapshots and events. */
  runs: RunService;
  /** Run reports: built from a run's events and journal, saved beside them. */
  reports: RunReports;
  router: Router;
  dataDir: string;
  /** The app's settings as main keeps them (the shell applies what concerns it, e.g. the theme). */
  settings: Pick<SettingsStore, 'current' | 'onChange'>;
  /** The verified teardown of one run by its tag, as a job (the Costs page's and the fatal guard's). */
  teardownRun(runId: string): { jobId: string };
}

/**
 * Builds adapters → services → handlers → router. The Electron shell and the browser host
 * both call this, so a handler written once serves both transports.
 */
export function createCore(options: CoreOptions): Core {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const dataDir = appDataDir(env);
  const bus = new EventBus();
  const jobs = new JobRunner(bus, options.log, clock);
  const notifications = new NotificationService(bus, clock);
  const demo = usesFakeAws(env);
  const info: AppInfo = {
    productName: PRODUCT_NAME,
    version: APP_VERSION,
    transport: options.transport,
    platform: `${process.platform}-${process.arch}`,
    startedAt: isoNow(clock),
    ...(demo ? { demo: true } : {}),
  };
  // One world for the cost panel and the runs: a run launched on the fake account shows up in its scans.
  const world = lifecycleWorld(env, dataDir);
  const doctor = async () =>
    runDoctor({
      env,
      projectRoot: options.projectRoot,
      dataDir,
      nodeVersion: process.version,
      transport: options.transport,
      clock,
      ...(options.electronVersion ? { electronVersion: options.electronVersion } : {}),
      // The demo account answers in memory: the environment check reports who the wizard will see.
      ...(demo ? { demoIdentity: await world.ports({ region: 'eu-west-1' }).identity.whoAmI() } : {}),
      // The wizard's, the monitor's and the Costs page's one price source: which prices they use now.
      prices: async (region, signal) => priceSourceOf(world).forRegion(await homeTarget(env, region), signal),
    });
  // One settings store (main's, in the data folder) for the page, the notifications and the monitor.
  const settings = new SettingsStore(dataDir);
  // Sealed by the OS keychain like the SSE-C keys (the desktop); a plain 0600 file where there is none.
  const webhook = new WebhookStore(dataDir, options.keyVault);
  const tee = webhookTee(notifications, webhook, options.log);
  // The run's events tell the tee whether the machine already posted a run's end to the webhook.
  bus.on('runs.event', (event) => tee.onRunEvent(event));
  const notifier = new MonitorNotifier(tee, (topic) => settings.current().notifications[topic]);
  const monitor = new MonitorService({ bus, clock, log: options.log, notifier });
  const dashboard = createDashboard({
    world,
    dataDir,
    clock,
    jobs,
    bus,
    notifications,
    // The demo account's untracked resources are staged (demo-account.ts), and nothing its user does makes
    // another (TrainDeck tags all it creates): warning of them at every start put a toast over the wizard.
    onScanned: (resources) => (demo ? undefined : monitor.onScan(resources)),
    // `runs` is built below; a kill-all (long after) stops the live runs it kills the resources of.
    stopRuns: (runIds, options) => runs.stopRuns(runIds, options),
    ...(options.keyVault ? { keyVault: options.keyVault } : {}),
    trust: options.trust,
    settings,
  });
  // One reader of spot prices now for the monitor and the unfinished runs' banner: they share its reads.
  const spotNow = spotNowOf(world);
  const runs = createRunService({
    env,
    dataDir,
    bus,
    clock,
    log: options.log,
    projectRoot: options.projectRoot,
    lifecycle: world,
    observer: monitorObserver(
      monitor,
      undefined,
      () => settings.current().monitoring,
      (target) => priceSourceOf(world).forRegion(target),
      { spotNow },
    ),
    spotNow,
    // The machine posts "finished/failed" itself too (a closed laptop still hears): the URL goes over stdin.
    webhook: () => webhook.current().catch(() => undefined),
    ...(options.keyVault ? { keyVault: options.keyVault } : {}),
    // A store's own credentials go only after the gate's channel (dialog, terminal) said yes, once per store and key.
    confirmStoreCredentials: confirmStoreCredentialsOnce(dataDir, (exposure) =>
      options.trust.confirmStoreCredentials(exposure),
    ),
  });
  const reports = createRunReports({ dataDir, runs, monitor, clock, log: options.log, pdf: options.pdfPrinter });
  const handlers = createHandlers({
    info,
    clock,
    jobs,
    doctor,
    dashboard,
    monitor,
    runs,
    reports,
    webhook,
    trust: options.trust,
  });
  const router = createRouter(handlers, { isTrusted: options.isTrusted, log: options.log });
  return {
    info,
    bus,
    jobs,
    notifications,
    monitor,
    runs,
    reports,
    router,
    dataDir,
    settings,
    teardownRun: (runId) => dashboard.costs.teardownRun(runId),
  };
}
