import type { CommandName } from './contract';

/** How long the browser page waits for most answers before it says the command got none. */
export const DEFAULT_ANSWER_LIMIT_MS = 30_000;

/**
 * A push during training may move a large checkpoint: main bounds the whole of it (connect, push,
 * the newest checkpoint's listing) by this (main/runs/run-push-now.ts).
 */
export const PUSH_NOW_LIMIT_MS = 60 * 60_000;

// Commands main may legitimately answer later than the default: main's own bound plus a minute.
const LONGER: Partial<Record<CommandName, number>> = {
  'runs.pushNow': PUSH_NOW_LIMIT_MS + 60_000,
};

/**
 * How long the page waits for `command`'s answer. Past main's own bound, so that the page never
 * says "no answer" for work main is still doing (a push of a large checkpoint took over 30 s and
 * the page said it did not run while it ran).
 */
export function answerLimitMs(command: CommandName): number {
  return LONGER[command] ?? DEFAULT_ANSWER_LIMIT_MS;
}
