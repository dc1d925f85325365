import type { z } from 'zod';

import {
  type CommandName,
  type CommandRequest,
  type CommandResponse,
  commands,
  isCommandName,
} from '../../shared/ipc/contract';
import { type AppError, fail, ok, type Result, TypedError } from '../../shared/ipc/result';
import type { Logger } from './logger';

/** Who sent a request, as far as the transport could tell. */
export type Sender =
  | { transport: 'electron'; frameUrl: string; isMainWindow: boolean }
  | { transport: 'web'; authenticated: boolean }
  | { transport: 'in-process' };

/** Passed to every handler. */
export interface RequestContext {
  sender: Sender;
}

/** One function per command; a command without a handler is a compile error. */
export type Handlers = {
  [C in CommandName]: (
    request: CommandRequest<C>,
    context: RequestContext,
  ) => Promise<CommandResponse<C>> | CommandResponse<C>;
};

/** Decides whether a sender may talk to main at all; each transport brings its own rule. */
export type SenderPolicy = (sender: Sender) => boolean;

/** The single entry point both transports call. */
export interface Router {
  /**
   * Checks the sender, validates the payload against the command's schema, runs the
   * handler and wraps whatever happens in a Result. Never throws.
   */
  handle(command: unknown, payload: unknown, sender: Sender): Promise<Result<unknown>>;
}

/** Builds the router over a complete handler table. */
export function createRouter(handlers: Handlers, options: { isTrusted: SenderPolicy; log: Logger }): Router {
  const { isTrusted, log } = options;
  return {
    async handle(command, payload, sender) {
      if (!isTrusted(sender)) {
        log.warn('refused a request from an untrusted sender', { transport: sender.transport });
        return fail({ code: 'FORBIDDEN', message: 'This request did not come from the TrainDeck window.' });
      }
      if (!isCommandName(command)) {
        return fail({
          code: 'UNKNOWN_COMMAND',
          message: `Unknown command "${String(command).slice(0, 100)}".`,
          fix: 'Update the app: the window and the main process are from different versions.',
        });
      }
      const parsed = commands[command].request.safeParse(payload ?? {});
      if (!parsed.success) return fail(invalidRequest(command, parsed.error));
      try {
        const handler = handlers[command] as (request: unknown, context: RequestContext) => unknown;
        return ok(await handler(parsed.data, { sender }));
      } catch (error) {
        return fail(toAppError(error, command, log));
      }
    },
  };
}

function invalidRequest(command: CommandName, error: z.ZodError): AppError {
  const issues = error.issues.map((issue) => ({ path: issue.path.join('.') || '(request)', message: issue.message }));
  const first = issues[0];
  return {
    code: 'INVALID_REQUEST',
    message: `Invalid request for "${command}": ${first ? `${first.path}: ${first.message}` : 'does not match the schema'}.`,
    details: { issues },
  };
}

/** Turns anything thrown by a handler into an AppError; unexpected errors are logged, not shown raw. */
export function toAppError(error: unknown, command: string, log: Logger): AppError {
  if (error instanceof TypedError) return error.toAppError();
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'CANCELLED', message: `"${command}" was cancelled.` };
  }
  log.error(`command "${command}" failed unexpectedly`, {
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `"${command}" failed: ${message}`, fix: 'See the TrainDeck log for details.' };
}
