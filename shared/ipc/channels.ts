// Zod-free imports only: the preload bundle is built from this file (preload.bundle.test.ts checks it).
import { COMMAND_NAME_LIST } from './command-names';
import type { CommandName } from './contract';
import { EVENT_NAMES, type EventName } from './events';

/**
 * The only place that spells Electron IPC channel strings. Preload and main use these
 * functions and allowlists; nothing else names a channel.
 */
const COMMAND_PREFIX = 'traindeck:command:';
const EVENT_PREFIX = 'traindeck:event:';

/** The IPC channel that carries command `name`. */
export function commandChannel(name: CommandName): string {
  return COMMAND_PREFIX + name;
}

/** The IPC channel that carries event `name`. */
export function eventChannel(name: EventName): string {
  return EVENT_PREFIX + name;
}

/** Every command channel; preload refuses any other. */
export const COMMAND_CHANNELS: ReadonlySet<string> = new Set(COMMAND_NAME_LIST.map(commandChannel));
/** Every event channel; preload refuses to subscribe to any other. */
export const EVENT_CHANNELS: ReadonlySet<string> = new Set(EVENT_NAMES.map(eventChannel));
