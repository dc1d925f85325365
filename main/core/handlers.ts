import type { AppInfo } from '../../shared/domain/app-info';
import type { DoctorReport } from '../../shared/domain/doctor';
import { isoNow, type Clock } from './clock';
import type { JobRunner } from './jobs';
import type { Handlers } from './router';

/** The services the handler table needs; the composition root provides them. */
export interface HandlerServices {
  info: AppInfo;
  clock: Clock;
  jobs: JobRunner;
  doctor: () => Promise<DoctorReport>;
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
  };
}
