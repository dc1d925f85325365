import { z } from 'zod';

import type { AppInfo } from '../domain/app-info';
import type { DoctorReport } from '../domain/doctor';
import type { JobSnapshot } from '../domain/job';
import { command, type CommandDef, emptyRequest } from './command-def';
import { dashboardCommands } from './dashboard-commands';
import { monitorCommands } from './monitor-commands';
import { runCommands } from './run-commands';
import { settingsCommands } from './settings-commands';

export type { CommandDef } from './command-def';
export { EVENT_NAMES, type EventName, type EventPayload, events, isEventName } from './events';

/**
 * The one contract between renderer and main. Both transports (Electron IPC and the
 * browser host's WebSocket) carry exactly these commands and the events of ./events;
 * nothing else.
 *
 * Trust model: the window is untrusted. A compromised page, or whoever holds the browser host's
 * token, may send any of these commands with any payload; it can show and ask, but it cannot act
 * on the machine beyond what the user confirmed through a channel the page does not control.
 * Main validates every payload here, and its trust gate (main/trust) decides every path the
 * page names, every run that executes code or sends files and credentials elsewhere, every plain
 * copy of a sealed key and every deletion of untracked resources: a native dialog in the desktop
 * app; the start flags and the terminal of the browser host. See SECURITY.md. Events live apart because they need no zod: the renderer imports them at
 * run time and so never loads schemas (whose JIT probe the CSP would report).
 * A command is declared in ./command-def.
 */

/** Request schemas and response types of every command. */
export const commands = {
  /** Name, version and transport of the running app. */
  'app.info': command<AppInfo>()(emptyRequest),
  /** Echoes a short text: the cheapest round trip, used by tests and the connection probe. */
  'app.ping': command<{ echo: string; at: string }>()(z.object({ echo: z.string().max(200) }).strict()),
  /** What TrainDeck would use right now: AWS profile, region, endpoints, runtime. */
  'system.doctor': command<DoctorReport>()(emptyRequest),
  /** Snapshots of every job main knows about, oldest first. */
  'jobs.list': command<JobSnapshot[]>()(emptyRequest),
  /** Asks a running job to stop; resolves once the request is delivered, not once it stopped. */
  'jobs.cancel': command<{ cancelled: boolean }>()(z.object({ jobId: z.string().min(1).max(100) }).strict()),
  /** Cost panel, launch wizard, templates and keys (see ./dashboard-commands). */
  ...dashboardCommands,
  /** The run pipeline: start, list, get, cancel (see ./run-commands). */
  ...runCommands,
  /** The run monitor: snapshot of series, progress, health, cost, log tail (see ./monitor-commands). */
  ...monitorCommands,
  /** The Settings page: the app's settings, the data folder, the region list (see ./settings-commands). */
  ...settingsCommands,
} satisfies Record<string, CommandDef>;

/** The name of a command. */
export type CommandName = keyof typeof commands;
/** The validated request type of command `C`. */
export type CommandRequest<C extends CommandName> = z.infer<(typeof commands)[C]['request']>;
/** The response type of command `C`. */
export type CommandResponse<C extends CommandName> = NonNullable<(typeof commands)[C]['response']>;

/** Every command name, derived from the map (the allowlist's source). */
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

/** True when `name` is a command of the contract (for data from the wire). */
export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}
