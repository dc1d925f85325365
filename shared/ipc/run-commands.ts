import { z } from 'zod';

import { COMPUTE_BACKENDS, type RunPhase, type RunSnapshot } from '../domain/run';
import { PUSH_NOW_FOLDERS, type PushNowReport } from '../executor/protocol';
import type { RunReport, SavedRunReport } from '../report/run-report';
import { runConfigSchema } from '../run-config/schema';
import { sshHostSchema } from '../run-config/ssh-host-section';
import { command, type CommandDef, emptyRequest } from './command-def';

/**
 * The run pipeline's commands. A run is long work: `runs.start` returns the run id at once,
 * `runs.event` streams its events, `runs.get` gives the snapshot a late renderer starts from.
 * Keys never travel: the SSH identity and the config's key files are paths.
 */

/** A run a killed TrainDeck (CLI or app) left unfinished: its machine may still train. */
export interface UnfinishedRun {
  runId: string;
  name: string;
  backend: (typeof COMPUTE_BACKENDS)[number];
  host?: string;
  startedAt: string;
  /** The last phase it reached. */
  phase?: RunPhase;
  /** The machine was reached: an executor may still train there, and a reattach can follow it. */
  canFollow: boolean;
  /** aws-ec2: the instance type the run launched (or was to launch). */
  instanceType?: string;
  /**
   * This TrainDeck has taken the run over and it is still going (a page that reloads meanwhile
   * keeps showing its progress): `reattach` follows it, `teardown` stops and tears it down.
   */
  takenOver?: 'reattach' | 'teardown';
  /** aws-ec2, once provisioning began: what its instance still bills per hour, priced as the monitor prices a running one. */
  billing?: UnfinishedBilling;
  /**
   * aws-ec2 spot: TrainDeck stopped between two attempts (the last one interrupted and torn down or
   * being torn down, this attempt not yet given its machine): a reattach launches it.
   */
  betweenAttempts?: number;
  /**
   * Its attach journal (who ran it, where its machine is) could not be read: why, in one sentence with
   * a fix. Such a run can be neither reattached nor torn down from here until the file is fixed.
   */
  unreadable?: { message: string; fix?: string };
}

/**
 * What an unfinished EC2 run's instance bills per hour: the attempt that runs (its region, market, zone
 * and type, as the launch got them), its root disk and public IPv4, at the prices of the monitor's burn
 * rate and the Costs page (its region's, dated; spot at its zone's price now). Never $0 for "not known"
 * ($0 only when nothing of it is left: between two attempts, the last one's teardown verified).
 */
export interface UnfinishedBilling {
  /** $/h; null when it cannot be priced ("unknown", never $0): `note` says why. */
  hourlyUsd: number | null;
  /** The figure is at most this (a spot instance priced at on-demand or at the dearest zone): `note` says why. */
  upperBound?: boolean;
  region: string;
  market: 'spot' | 'on-demand';
  /** The availability zone it runs in, when recorded. */
  zone?: string;
  /** Which prices, dated: "AWS prices of eu-west-1 of 2026-12-06", or the bundled table and why not live ones. */
  prices?: string;
  /** A sentence: which spot price, what is left out, or why there is no figure. */
  note?: string;
  /** The prices were still being read when main answered (the read goes on): ask again shortly. */
  pending?: boolean;
}

const runId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'not a run id');

/** Request schemas and response types of the run commands. */
export const runCommands = {
  /**
   * Starts a run (config with absolute paths) on a backend; returns its id at once. Main confirms
   * it first through the trust gate: in the desktop app a native dialog lists what goes where for
   * local and ssh-host runs; the browser host refuses local runs without --allow-local-runs, asks
   * on its terminal for ssh-host targets not given with --allow-host, and reads only allowed folders.
   */
  'runs.start': command<{ runId: string }>()(
    z
      .object({ config: runConfigSchema, backend: z.enum(COMPUTE_BACKENDS), host: sshHostSchema.optional() })
      .strict()
      .refine((r) => r.backend !== 'ssh-host' || r.host !== undefined || r.config.sshHost !== undefined, {
        message:
          "an ssh-host run needs host (user@host:port and identityFile), here or in the config's sshHost section",
        path: ['host'],
      }),
  ),
  /** Snapshots of every run this app knows about (also past ones), newest first. */
  'runs.list': command<RunSnapshot[]>()(emptyRequest),
  /** One run's snapshot; apply `runs.event` events with a greater seq. */
  'runs.get': command<RunSnapshot>()(z.object({ runId }).strict()),
  /** Runs a killed TrainDeck left unfinished (the banner's Reattach / Tear down), and those this one took over and still follows. */
  'runs.unfinished': command<UnfinishedRun[]>()(emptyRequest),
  /**
   * Takes over an unfinished run: follow its executor to the end, verify the push, tear down;
   * with `stop`, stop the training first (push, verify, tear down). Returns at once.
   */
  'runs.reattach': command<{ runId: string }>()(z.object({ runId, stop: z.boolean().optional() }).strict()),
  /**
   * Starts a new run with the settings a finished run was started with (as main recorded them,
   * never as the page sends them), through the same trust gate as `runs.start`; returns the new id.
   */
  'runs.retry': command<{ runId: string }>()(z.object({ runId }).strict()),
  /** Graceful stop: training gets SIGTERM and its grace period, data is pushed, then teardown. */
  'runs.cancel': command<{ cancelled: boolean }>()(z.object({ runId }).strict()),
  /**
   * Pushes the chosen folders (default: checkpoints) while the run trains, beside the training:
   * files still being written are skipped, never half uploaded. Answers what moved and the
   * newest checkpoint now in S3; refused with a sentence when the run is not training.
   */
  'runs.pushNow': command<PushNowReport>()(
    z.object({ runId, folders: z.array(z.enum(PUSH_NOW_FOLDERS)).min(1).max(3).optional() }).strict(),
  ),
  /** The newest checkpoint of a run in training, in S3 (its key and time there); empty when none. */
  'runs.newestCheckpoint': command<{ newest?: { key: string; at: string } }>()(z.object({ runId }).strict()),
  /** A run's report (timeline, outcome, data, resources from its journal, itemized cost); writes nothing. */
  'runs.report': command<RunReport>()(z.object({ runId }).strict()),
  /** Writes the report as `<app data>/runs/<id>/report.md` and `.html` (0600), and `.pdf` in the desktop app. */
  'runs.saveReport': command<SavedRunReport>()(z.object({ runId }).strict()),
} satisfies Record<string, CommandDef>;
