import type { AppInfo, TransportKind } from '../../shared/domain/app-info';
import { appDataDir, PRODUCT_NAME } from './app-paths';
import { isoNow, systemClock, type Clock } from './clock';
import { runDoctor } from './doctor';
import { EventBus } from './event-bus';
import { createHandlers } from './handlers';
import { JobRunner } from './jobs';
import type { Logger } from './logger';
import { NotificationService } from './notifications';
import { createRouter, type Router, type SenderPolicy } from './router';
import { APP_VERSION } from './version';

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
}

/** Services, router and event bus: everything main does, without any window or socket. */
export interface Core {
  info: AppInfo;
  bus: EventBus;
  jobs: JobRunner;
  notifications: NotificationService;
  router: Router;
  dataDir: string;
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
  const info: AppInfo = {
    productName: PRODUCT_NAME,
    version: APP_VERSION,
    transport: options.transport,
    platform: `${process.platform}-${process.arch}`,
    startedAt: isoNow(clock),
  };
  const doctor = () =>
    runDoctor({
      env,
      projectRoot: options.projectRoot,
      dataDir,
      nodeVersion: process.version,
      clock,
      ...(options.electronVersion ? { electronVersion: options.electronVersion } : {}),
    });
  const handlers = createHandlers({ info, clock, jobs, doctor });
  const router = createRouter(handlers, { isTrusted: options.isTrusted, log: options.log });
  return { info, bus, jobs, notifications, router, dataDir };
}
