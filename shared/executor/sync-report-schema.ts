import { z } from 'zod';

import { SYNC_POLICIES } from '../run-config/schema';
import type { SyncDirection } from '../sync/types';

/**
 * The executor's sync reports (`executor.jsonl` lines, then run events) as one zod schema, and
 * their types derived from it. The machine writes those lines, so main checks them against this
 * before they reach a snapshot or the journal. Only main loads this module: shared/domain
 * re-exports the types (erased at build), so the events and the bridge stay free of zod.
 */

const count = z.number().int().min(0);
const figure = z.number().finite();
const folderName = z.string().min(1).max(200);
const policy = z.enum(SYNC_POLICIES);
const direction = z.enum(['pull', 'push'] as const satisfies readonly SyncDirection[]);

/** Where a folder's transfer stands. */
export const syncFolderStateSchema = z.enum(['running', 'done', 'failed']);
/** One of the values of {@link syncFolderStateSchema}. */
export type SyncFolderState = z.infer<typeof syncFolderStateSchema>;

/** What a verification found for one folder. */
export const syncFolderVerifiedSchema = z.object({
  /** True when every checked file matched. */
  ok: z.boolean(),
  /** Files compared (size and SHA-256). */
  checked: count,
  /** Files that were missing or different. */
  mismatches: count,
});
/** What a verification found for one folder. */
export type SyncFolderVerified = z.infer<typeof syncFolderVerifiedSchema>;

/** One folder's transfer figures in one direction. */
export const syncFolderStatusSchema = z.object({
  /** The folder's name in the run config (`cached_datasets`, `models`…). */
  folder: folderName,
  policy,
  /** Files to transfer, and those finished (successfully or not); deletions are counted apart. */
  filesDone: count,
  filesTotal: count,
  /** Remote deletions (`delete-remote` actions) finished and planned, when there are any. */
  deletesDone: count.optional(),
  deletesTotal: count.optional(),
  bytesDone: figure,
  bytesTotal: figure,
  /** Recent rate while running; the average over the transfer once done. */
  bytesPerSecond: figure,
  state: syncFolderStateSchema,
  /** Files that did not transfer. */
  failures: count,
  /** Set by the verification after the transfer (datasets after the pull; S3 after the push). */
  verified: syncFolderVerifiedSchema.optional(),
});
/** One folder's transfer figures in one direction. */
export type SyncFolderStatus = z.infer<typeof syncFolderStatusSchema>;

/** One folder's verification result, as reported (with its policy, for a folder not seen moving). */
export const syncFolderVerificationSchema = syncFolderVerifiedSchema.extend({ folder: folderName, policy });
/** One folder's verification result, as reported. */
export type SyncFolderVerification = z.infer<typeof syncFolderVerificationSchema>;

/**
 * What the executor (and the desktop's S3 verification) report about the sync: the same
 * bodies travel in `executor.jsonl` and as run events. Unknown fields are stripped.
 */
export const runSyncReportSchema = z.discriminatedUnion('type', [
  /** Figures of every folder of one direction (the whole list, each time). */
  z.object({ type: z.literal('sync'), direction, folders: z.array(syncFolderStatusSchema).max(100) }),
  /** Verification results of some folders of one direction. */
  z.object({ type: z.literal('sync-verified'), direction, folders: z.array(syncFolderVerificationSchema).max(100) }),
]);
/** A sync report: `sync` (figures) or `sync-verified` (verification results) of one direction. */
export type RunSyncReport = z.infer<typeof runSyncReportSchema>;
