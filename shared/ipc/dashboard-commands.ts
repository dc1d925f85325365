import { z } from 'zod';

import type {
  AwsIdentity,
  AwsProfiles,
  InstanceTypeOption,
  KeyFileInfo,
  RegionPrices,
  RunTemplate,
} from '../domain/account';
import type { ScanResult } from '../domain/cost';
import { FILE_KINDS, type FileCheck } from '../domain/file-check';
import type { PreflightReport } from '../domain/preflight';
import { runConfigSchema } from '../run-config/schema';
import { command, type CommandDef, emptyRequest } from './command-def';

/**
 * The dashboard's commands (cost panel, launch wizard, templates, keys), kept apart from
 * contract.ts so that file stays a short index; contract.ts spreads them into `commands`.
 * Secrets never travel: key commands take and return paths and fingerprints only.
 */

const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region looks like "eu-west-1"');
const profile = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@+=,-]+$/, 'not a profile name')
  .optional();
const target = z.object({ profile, region }).strict();
const filePath = z.string().min(1).max(4096);
const templateName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._ -]+$/, 'a template name uses letters, digits, spaces, ".", "_" and "-"');

/** Request schemas and response types of the dashboard's commands. */
export const dashboardCommands = {
  /** Profile names of ~/.aws (never a key) and the default profile and region. */
  'aws.profiles': command<AwsProfiles>()(emptyRequest),
  /** Who a profile's credentials belong to (STS); an expired SSO session fails with the login command as fix. */
  'aws.identity': command<AwsIdentity>()(target),
  /** The picker's instance types: hardware, on-demand $/h, and whether the region offers each. */
  'aws.instanceTypes': command<InstanceTypeOption[]>()(target),
  /**
   * The region's prices (AWS's Price List, cached, or the bundled table with why) and, for
   * `instanceType`, the current spot price per zone (or why it is unknown).
   */
  'aws.prices': command<RegionPrices>()(
    z
      .object({ profile, region, instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'not an instance type') })
      .strict(),
  ),
  /** Every check a launch needs for this run config; creates nothing. */
  'preflight.run': command<PreflightReport>()(z.object({ config: runConfigSchema }).strict()),
  /** Every cost resource in every enabled region, with $/h. */
  'costs.scan': command<ScanResult>()(emptyRequest),
  /**
   * Shows the phrase that allows deleting the untracked resources among `resourceIds` where the
   * window cannot read it (a native dialog, or the browser host's terminal) and says where. The
   * phrase is "delete N untracked WORD-NN" with a random word: the page cannot compute it.
   */
  'costs.untrackedPhrase': command<{ count: number; shownIn: string }>()(
    z.object({ resourceIds: z.array(z.string().min(1).max(2048)).min(1).max(1000) }).strict(),
  ),
  /**
   * Deletes exactly the listed resources of the last scan, then rescans: returns a job id at
   * once; `costs.deletion` and `jobs.event` report progress; the job's result is a KillAllResult.
   * Untracked resources need `includeUntracked` and the phrase of `costs.untrackedPhrase`, typed
   * by the user; main re-checks it (one use per phrase). `scope` says which button asked: 'kill-all'
   * (the default) also stops every live EC2 run, 'rows' (a row's Delete, selected rows) only the runs
   * whose instance, security group or key pair it deletes.
   */
  'costs.killAll': command<{ jobId: string }>()(
    z
      .object({
        resourceIds: z.array(z.string().min(1).max(2048)).min(1).max(1000),
        includeUntracked: z.boolean(),
        confirmation: z.string().max(100).optional(),
        scope: z.enum(['kill-all', 'rows']).optional(),
      })
      .strict(),
  ),
  /**
   * Tears one run down now: deletes everything tagged with its run id in every region, then
   * rescans (the journal closes only when nothing of the run is left). Job result: a KillAllResult.
   */
  'costs.teardownRun': command<{ jobId: string }>()(
    z.object({ runId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'not a run id') }).strict(),
  ),
  /** Saved wizard templates, newest first. */
  'templates.list': command<RunTemplate[]>()(emptyRequest),
  /** Saves a template under a name; a name already taken is refused (CONFLICT) unless `replace` is true. */
  'templates.save': command<RunTemplate>()(
    z.object({ name: templateName, config: runConfigSchema, replace: z.boolean().optional() }).strict(),
  ),
  /** Deletes a template. */
  'templates.delete': command<{ deleted: boolean }>()(z.object({ name: templateName }).strict()),
  /**
   * Writes the run config as JSON for `traindeck … --config FILE` into the app's configs folder
   * (never a path the window chooses: the window is untrusted and must not overwrite files); returns where.
   */
  'config.export': command<{ path: string }>()(z.object({ config: runConfigSchema }).strict()),
  /**
   * Whether local files the run needs (deploy key, override sources, secrets) exist and are readable,
   * for `kinds[i]` "ssh-private-key" whether the file is one (not its .pub), and for a key or secret
   * whether others may read it (a warning); never their content. Answers only for paths the trust
   * gate allows (others: ok false, reason "not-allowed", problem says how to allow it).
   */
  'config.checkFiles': command<FileCheck[]>()(
    z
      .object({
        paths: z.array(filePath).max(200),
        kinds: z.array(z.enum(FILE_KINDS)).max(200).optional(),
      })
      .strict(),
  ),
  /**
   * Makes a new 32-byte SSE-C key file (0600, never overwriting): sealed with the OS keychain in the
   * desktop app where one is available, else plain (`storage` says which). Only the fingerprint comes back.
   * `path` is a suggestion: the desktop app asks in a native save dialog (the answer's `path` is the
   * user's choice); the browser host writes only under its allowed folders.
   */
  'keys.generate': command<KeyFileInfo>()(z.object({ path: filePath }).strict()),
  /** Reads an existing key file, plain or sealed, and returns its fingerprint and storage (the key never leaves main). */
  'keys.inspect': command<KeyFileInfo>()(z.object({ path: filePath }).strict()),
  /** Seals a copy of a plain key file with the OS keychain as `<path>.sealed` (never overwriting; the original is left alone). UNAVAILABLE without a keychain. */
  'keys.seal': command<KeyFileInfo>()(z.object({ path: filePath }).strict()),
  /**
   * Writes a plain copy of the key at `path` (sealed or not) to `to`, a new file the user chose
   * (0600, never overwriting): the backup that survives a lost keychain, and the file the CLI reads.
   * `to` goes through the same save dialog / allowlist as keys.generate; a sealed key's plain copy
   * is also confirmed outside the window (native dialog, or the browser host's terminal).
   */
  'keys.export': command<KeyFileInfo>()(z.object({ path: filePath, to: filePath }).strict()),
} satisfies Record<string, CommandDef>;
