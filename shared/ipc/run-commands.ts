import { z } from 'zod';
import { COMPUTE_BACKENDS, type RunSnapshot } from '../domain/run';
import { runConfigSchema } from '../run-config/schema';
import type { CommandDef } from './contract';

/**
 * The run pipeline's commands. A run is long work: `runs.start` returns the run id at once,
 * `runs.event` streams its events, `runs.get` gives the snapshot a late renderer starts from.
 * Keys never travel: the SSH identity and the config's key files are paths.
 */
function command<Res>() {
  return <Req extends z.ZodType>(request: Req): CommandDef<Req, Res> => ({ request });
}

const runId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'not a run id');

/** `user@host:port` of an existing machine (ssh-host backend). */
export const sshAddressSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d{1,5})?$/, 'the host is user@host or user@host:port, e.g. ubuntu@10.0.0.5:22');

/** The machine of an ssh-host run. */
export const sshHostSchema = z
  .object({
    address: sshAddressSchema,
    /** Private key file for the login (a path; the key stays on this computer). */
    identityFile: z.string().min(1).max(4096),
    /** Known host key fingerprint (`SHA256:…`); omitted = pin at first sight. */
    hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a host key fingerprint looks like SHA256: followed by 43 characters').optional(),
  })
  .strict();

/** Request schemas and response types of the run commands. */
export const runCommands = {
  /** Starts a run (config with absolute paths) on a backend; returns its id at once. */
  'runs.start': command<{ runId: string }>()(
    z
      .object({ config: runConfigSchema, backend: z.enum(COMPUTE_BACKENDS), host: sshHostSchema.optional() })
      .strict()
      .refine((r) => r.backend !== 'ssh-host' || r.host !== undefined, { message: 'an ssh-host run needs host (user@host:port and identityFile)', path: ['host'] }),
  ),
  /** Snapshots of every run this app knows about (also past ones), newest first. */
  'runs.list': command<RunSnapshot[]>()(z.object({}).strict()),
  /** One run's snapshot; apply `runs.event` events with a greater seq. */
  'runs.get': command<RunSnapshot>()(z.object({ runId }).strict()),
  /** Graceful stop: training gets SIGTERM and its grace period, data is pushed, then teardown. */
  'runs.cancel': command<{ cancelled: boolean }>()(z.object({ runId }).strict()),
} satisfies Record<string, CommandDef>;
