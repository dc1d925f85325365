import type { AppInfo } from '../../shared/domain/app-info';
import type { DoctorReport } from '../../shared/domain/doctor';
import { type Clock, isoNow } from '../core/clock';
import type { JobRunner } from '../core/jobs';
import type { Handlers } from '../core/router';
import { dashboardHandlers, type DashboardServices } from '../dashboard/dashboard-handlers';
import type { WebhookStore } from '../dashboard/webhook-store';
import { monitorHandlers } from '../monitor/monitor-handlers';
import type { MonitorService } from '../monitor/monitor-service';
import { reportHandlers } from '../runs/report/report-handlers';
import type { RunReports } from '../runs/report/run-reports';
import { runHandlers } from '../runs/run-handlers';
import type { RunService } from '../runs/run-service';
import type { TrustGate } from '../trust/trust-gate';

/** The services the handler table needs; the composition root provides them. */
export interface HandlerServices {
  info: AppInfo;
  clock: Clock;
  jobs: JobRunner;
  doctor: () => Promise<DoctorReport>;
  /** Cost panel, launch wizard, templates and keys. */
  dashboard: DashboardServices;
  /** Health, progress, cost and log tail of watched runs. */
  monitor: MonitorService;
  /** The run pipeline: start, list, get, cancel. */
  runs: RunService;
  /** Run reports: build and save. */
  reports: RunReports;
  /** The notification webhook (a secret main keeps: the page sees set / not set). */
  webhook: WebhookStore;
  /** Decides what the untrusted window may do on this machine (native dialogs, or the browser host's rules). */
  trust: TrustGate;
}

/**
 * The one handler table, written once and served by both transports (Electron IPC and
 * the browser host's WebSocket). Handlers stay thin: they call services.
 */
export function createHandlers(services: HandlerServices): Handlers {
  return {
    'app.info': () => services.info,
    'app.ping': ({ echo }) => ({ echo, at: isoNow(services.clock) }),
    'system.doctor': () => services.doctor(),
    'jobs.list': () => services.jobs.list(),
    'jobs.cancel': ({ jobId }) => ({ cancelled: services.jobs.cancel(jobId) }),
    ...dashboardHandlers(services.dashboard),
    ...monitorHandlers(services.monitor),
    ...runHandlers(services.runs, services.trust),
    ...reportHandlers(services.reports),
    'webhook.get': () => services.webhook.view(),
    'webhook.set': ({ url, format }) => services.webhook.set(url, format),
    'webhook.clear': () => services.webhook.clear(),
    'webhook.test': () => services.webhook.test(isoNow(services.clock)),
  };
}
