import { z } from 'zod';

import type { MonitoredRun, MonitorSnapshot } from '../monitor/view';
import { command, type CommandDef, emptyRequest } from './command-def';

/**
 * The run monitor's commands, kept apart from contract.ts (which spreads them in). The page
 * loads `monitor.snapshot` once, then applies `monitor.delta` events with a higher seq.
 */

const runId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'not a run id');

/** Request schemas and response types of the monitor's commands. */
export const monitorCommands = {
  /** Runs being watched, with when watching started. */
  'monitor.list': command<MonitoredRun[]>()(emptyRequest),
  /** Everything the monitor page shows for one run, each series downsampled to `points` (default 500). */
  'monitor.snapshot': command<MonitorSnapshot>()(
    z.object({ runId, points: z.number().int().min(10).max(5000).optional() }).strict(),
  ),
} satisfies Record<string, CommandDef>;
