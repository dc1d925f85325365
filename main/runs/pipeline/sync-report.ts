import { z } from 'zod';
import type { RunSyncReport } from '../../../shared/domain/run-sync';
import { SYNC_POLICIES } from '../../../shared/run-config/schema';

const count = z.number().int().min(0);
const figure = z.number().finite();
const direction = z.enum(['pull', 'push']);
const folder = z.string().min(1).max(200);
const policy = z.enum(SYNC_POLICIES);
const verified = { ok: z.boolean(), checked: count, mismatches: count };

// The machine writes executor.jsonl: a report goes into snapshots and the journal only in its known shape.
const reportSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('sync'),
    direction,
    folders: z
      .array(z.object({ folder, policy, filesDone: count, filesTotal: count, bytesDone: figure, bytesTotal: figure, bytesPerSecond: figure, state: z.enum(['running', 'done', 'failed']), failures: count, verified: z.object(verified).optional() }))
      .max(100),
  }),
  z.object({ type: z.literal('sync-verified'), direction, folders: z.array(z.object({ folder, policy, ...verified })).max(100) }),
]);

/** The sync report of an executor line, checked and stripped of unknown fields; undefined when malformed. */
export function parseSyncReport(value: unknown): RunSyncReport | undefined {
  const parsed = reportSchema.safeParse(value);
  return parsed.success ? (parsed.data as RunSyncReport) : undefined;
}
