import type { CommandName } from './contract';
import { fail, type Result } from './result';

// shared/ is typed without a host (neither DOM nor Node): the two timer functions every host has.
declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;

/** How long the page waits for most answers before it says the command got none. */
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

/** "30 s", "61 min": a limit as a reader counts it. */
function spoken(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** The failure of a command main did not answer within its limit. */
export function noAnswer<T = never>(command: CommandName, limitMs = answerLimitMs(command)): Result<T> {
  return fail({
    code: 'TIMEOUT',
    message: `"${command}" got no answer within ${spoken(limitMs)}.`,
    fix: 'TrainDeck may still be doing it: look at the page again before trying once more, and restart TrainDeck if nothing answers.',
  });
}

/**
 * `answer`, or {@link noAnswer} once {@link answerLimitMs}(command) has passed without it: the one waiting
 * rule of both transports (Electron's preload, the browser page's WebSocket). `onLimit` runs when the
 * limit passes (the web transport forgets the request). The timer is cleared as soon as `answer` settles.
 */
export function withinAnswerLimit<T>(
  command: CommandName,
  answer: Promise<Result<T>>,
  onLimit?: () => void,
): Promise<Result<T>> {
  const limitMs = answerLimitMs(command);
  let timer: unknown;
  const limit = new Promise<Result<T>>((resolve) => {
    timer = setTimeout(() => {
      onLimit?.();
      resolve(noAnswer(command, limitMs));
    }, limitMs);
  });
  return Promise.race([answer, limit]).finally(() => clearTimeout(timer));
}
