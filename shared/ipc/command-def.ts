import { z } from 'zod';

/**
 * A command is a zod request schema plus a phantom response type. The `satisfies` in contract.ts
 * makes a command without a schema a compile error, and `Handlers` in main makes a command without
 * a handler a compile error.
 */
export interface CommandDef<Req extends z.ZodType = z.ZodType, Res = unknown> {
  request: Req;
  /** Type-only marker; never read at run time. */
  readonly response?: Res;
}

/** Declares a command: `command<Response>()(requestSchema)`. One home for the contract's three command files. */
export function command<Res>() {
  return <Req extends z.ZodType>(request: Req): CommandDef<Req, Res> => ({ request });
}

/** The request of a command that takes no arguments: `{}` and nothing else. */
export const emptyRequest = z.object({}).strict();
