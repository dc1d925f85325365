import type { PageId } from '../domain/app-info';
import type { JobEvent } from '../domain/job';
import type { DeletionEvent } from '../domain/kill-all';
import type { AppNotification } from '../domain/notification';
import type { RunEvent } from '../domain/run';
import type { MonitorDelta } from '../monitor/view';

/** Declares an event pushed from main to the renderer (a payload type, nothing at run time). */
interface EventDef<Payload> {
  readonly payload?: Payload;
}
function event<Payload>(): EventDef<Payload> {
  return {};
}

/** Payload types of every event main may push. */
export const events = {
  /** Something the user should see now (also shown by the OS in Electron). */
  'app.notification': event<AppNotification>(),
  /** Main asks the window to show a page (e.g. the tray's "Kill all cost resources"). */
  'app.navigate': event<{ page: PageId }>(),
  /** One event of a long-running job. */
  'jobs.event': event<JobEvent>(),
  /** One resource's step in a running kill-all (deleting, deleted, failed with a reason). */
  'costs.deletion': event<DeletionEvent>(),
  /** How far the running cost scan is: regions answered of all regions ("Scanning 3 / 17 regions"). */
  'costs.scanProgress': event<{ done: number; total: number }>(),
  /** What changed in a watched run since the previous delta (coalesced to ≤ 10 per second). */
  'monitor.delta': event<MonitorDelta>(),
  /** One event of a run (phase, log line, host key, finished), with a growing seq per run. */
  'runs.event': event<RunEvent>(),
} satisfies Record<string, EventDef<unknown>>;

/** The name of an event. */
export type EventName = keyof typeof events;
/** The payload type of event `E`. */
export type EventPayload<E extends EventName> = NonNullable<(typeof events)[E]['payload']>;

/** Every event name, derived from the map. */
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** True when `name` is an event of the contract. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
