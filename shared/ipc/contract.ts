import { z } from 'zod';
import type { AppInfo, PageId } from '../domain/app-info';
import type { DoctorReport } from '../domain/doctor';
import type { JobEvent, JobSnapshot } from '../domain/job';
import type { AppNotification } from '../domain/notification';

/**
 * The one contract between renderer and main. Both transports (Electron IPC and the
 * browser host's WebSocket) carry exactly these commands and events; nothing else.
 *
 * A command is a zod request schema plus a phantom response type. The `satisfies`
 * below makes a command without a schema a compile error, and `Handlers` in main makes
 * a command without a handler a compile error.
 */
export interface CommandDef<Req extends z.ZodType = z.ZodType, Res = unknown> {
  request: Req;
  /** Type-only marker; never read at run time. */
  readonly response?: Res;
}

/** Declares a command: `command<Response>()(requestSchema)`. */
function command<Res>() {
  return <Req extends z.ZodType>(request: Req): CommandDef<Req, Res> => ({ request });
}

/** Declares an event pushed from main to the renderer. */
interface EventDef<Payload> {
  readonly payload?: Payload;
}
function event<Payload>(): EventDef<Payload> {
  return {};
}

const empty = z.object({}).strict();

/** Request schemas and response types of every command. */
export const commands = {
  /** Name, version and transport of the running app. */
  'app.info': command<AppInfo>()(empty),
  /** Echoes a short text: the cheapest round trip, used by tests and the connection probe. */
  'app.ping': command<{ echo: string; at: string }>()(z.object({ echo: z.string().max(200) }).strict()),
  /** What TrainDeck would use right now: AWS profile, region, endpoints, runtime. */
  'system.doctor': command<DoctorReport>()(empty),
  /** Snapshots of every job main knows about, oldest first. */
  'jobs.list': command<JobSnapshot[]>()(empty),
  /** Asks a running job to stop; resolves once the request is delivered, not once it stopped. */
  'jobs.cancel': command<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1).max(100) }).strict()),
} satisfies Record<string, CommandDef>;

/** Payload types of every event main may push. */
export const events = {
  /** Something the user should see now (also shown by the OS in Electron). */
  'app.notification': event<AppNotification>(),
  /** Main asks the window to show a page (e.g. the tray's "Kill all cost resources"). */
  'app.navigate': event<{ page: PageId }>(),
  /** One event of a long-running job. */
  'jobs.event': event<JobEvent>(),
} satisfies Record<string, EventDef<unknown>>;

/** The name of a command. */
export type CommandName = keyof typeof commands;
/** The validated request type of command `C`. */
export type CommandRequest<C extends CommandName> = z.infer<(typeof commands)[C]['request']>;
/** The response type of command `C`. */
export type CommandResponse<C extends CommandName> = NonNullable<(typeof commands)[C]['response']>;
/** The name of an event. */
export type EventName = keyof typeof events;
/** The payload type of event `E`. */
export type EventPayload<E extends EventName> = NonNullable<(typeof events)[E]['payload']>;

/** Every command name, derived from the map (the allowlist's source). */
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
/** Every event name, derived from the map. */
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** True when `name` is a command of the contract (for data from the wire). */
export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}

/** True when `name` is an event of the contract. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
