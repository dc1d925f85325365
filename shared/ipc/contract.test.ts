import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { COMMAND_CHANNELS, commandChannel, EVENT_CHANNELS, eventChannel } from './channels';
import { COMMAND_NAME_LIST } from './command-names';
import { COMMAND_NAMES, commands, EVENT_NAMES, isCommandName, isEventName } from './contract';
import { VALID_REQUESTS } from './testing/valid-requests';

describe('the IPC contract', () => {
  it('has a zod request schema for every command', () => {
    expect(COMMAND_NAMES.length).toBeGreaterThan(0);
    for (const name of COMMAND_NAMES) expect(commands[name].request, name).toBeInstanceOf(z.ZodType);
  });

  it('accepts its sample request and rejects the same request with an unknown field (strict schemas)', () => {
    for (const name of COMMAND_NAMES) {
      expect(commands[name].request.safeParse(VALID_REQUESTS[name]).success, `${name} refused its valid sample`).toBe(
        true,
      );
      const withExtra = { ...VALID_REQUESTS[name], surprise: true };
      expect(commands[name].request.safeParse(withExtra).success, `${name} accepted an unknown field`).toBe(false);
    }
  });

  it('spells every command name in the zod-free list the preload uses, in the same order', () => {
    expect([...COMMAND_NAME_LIST]).toEqual(COMMAND_NAMES);
  });

  it('derives one channel per command and per event, and nothing else', () => {
    expect([...COMMAND_CHANNELS]).toEqual(COMMAND_NAMES.map(commandChannel));
    expect([...EVENT_CHANNELS]).toEqual(EVENT_NAMES.map(eventChannel));
    const all = [...COMMAND_CHANNELS, ...EVENT_CHANNELS];
    expect(new Set(all).size).toBe(all.length);
  });

  it('recognises only its own names, not inherited properties', () => {
    expect(isCommandName('app.info')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
    expect(isCommandName('__proto__')).toBe(false);
    expect(isCommandName(42)).toBe(false);
    expect(isEventName('jobs.event')).toBe(true);
    expect(isEventName('constructor')).toBe(false);
  });
});
