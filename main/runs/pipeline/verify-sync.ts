import type { SyncFolderVerification } from '../../../shared/domain/run-sync';
import type { ExecutorSecrets, ExecutorSpec, ExecutorStatus } from '../../../shared/executor/protocol';
import type { SyncFolder } from '../../../shared/run-config/schema';
import { folderPrefix } from '../../../shared/sync/keys';
import { conflictRelPath, decide } from '../../../shared/sync/policy';
import type { ManifestFile, VerifyMismatch } from '../../../shared/sync/types';
import type { ObjectStore } from '../../aws/ports/object-store';
import type { WorkLayout } from '../../executor/work-layout';
import { readWhole, type RemoteHost } from '../../host/remote-host';
import { metadataDetails } from '../../sync/remote-details';
import { syncRetry, withRetry } from '../../sync/retry';
import { verifyAgainst, type VerifyReport } from '../../sync/verify';
import { verificationByFolder } from '../../sync/verify-by-folder';
import type { ExecutorIdentity } from './executor-identity';
import { execExecutorPush } from './executor-push';

/** How long the desktop waits for status.json after `done` (the executor's final logs push takes at most 5 min). */
export const FINAL_STATUS_WAIT_MS = 6 * 60_000;

/**
 * `status.json`, which the executor writes after its `done` line and one last push of the logs.
 * Waits for it while the executor lives (polling; `signal` bounds the wait); undefined when the
 * executor is gone without writing it.
 */
export async function readFinalStatus(
  host: RemoteHost,
  layout: WorkLayout,
  pid: number,
  signal: AbortSignal,
  pollMs = 500,
): Promise<ExecutorStatus | undefined> {
  for (let poll = 1; ; poll++) {
    const raw = await readWhole(host, layout.statusFile);
    if (raw) return JSON.parse(raw.toString('utf8')) as ExecutorStatus;
    if (poll % 10 === 0) {
      const probe = await host.exec(`kill -0 ${pid} 2>/dev/null && echo alive || echo gone`, { timeoutMs: 30_000 });
      if (!probe.stdout.includes('alive')) {
        const last = await readWhole(host, layout.statusFile);
        return last ? (JSON.parse(last.toString('utf8')) as ExecutorStatus) : undefined;
      }
    }
    if (signal.aborted) return undefined;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The outcome of the desktop's verification. */
export interface SyncVerification {
  verified: boolean;
  checked: number;
  rePushes: number;
  mismatches: VerifyMismatch[];
  /** The last comparison per pushed folder (the run monitor shows it). */
  folders: SyncFolderVerification[];
}

/**
 * Lists S3 itself (never trusting the executor's report) and compares it with the executor's
 * final manifest. Missing or different objects make the executor push again over SSH, at
 * most `maxRePushes` times; the manifest is re-read after each push.
 */
export async function verifySync(input: {
  host: () => RemoteHost;
  layout: WorkLayout;
  store: ObjectStore;
  status: ExecutorStatus;
  storage: Pick<ExecutorSpec['storage'], 'prefix' | 'folders'>;
  secrets: ExecutorSecrets;
  /** The Node and executor recorded at start (a re-push runs only those). */
  identity: ExecutorIdentity | undefined;
  maxRePushes: number;
  signal: AbortSignal;
  onInfo(message: string): void;
}): Promise<SyncVerification> {
  let status = input.status;
  const pushed = input.storage.folders.filter((f) => f.policy !== 'pull-only');
  const byFolder = (report: VerifyReport) =>
    verificationByFolder(
      status.manifest,
      report.mismatches.map((m) => m.key),
      pushed,
      input.storage.prefix,
    );
  for (let rePushes = 0; ; rePushes++) {
    const found = await verifyAgainst(status.manifest, input.store, status.prefixes, 8, input.signal);
    const report = await withPolicyOutcomes(found, status, input);
    if (report.mismatches.length === 0) {
      return { verified: true, checked: report.checked, rePushes, mismatches: [], folders: byFolder(report) };
    }
    const first = report.mismatches[0]!;
    input.onInfo(
      `S3 does not match the final manifest: ${report.mismatches.length} object(s), first ${first.key} (${first.problem})`,
    );
    if (rePushes >= input.maxRePushes) {
      return {
        verified: false,
        checked: report.checked,
        rePushes,
        mismatches: report.mismatches,
        folders: byFolder(report),
      };
    }
    input.onInfo(`pushing again (${rePushes + 1} of ${input.maxRePushes})`);
    const pushed = await pushAgain(input.host(), input.layout, input.secrets, input.identity, input.signal);
    status = { ...status, manifest: pushed.manifest, prefixes: pushed.prefixes };
  }
}

/**
 * Drops the differences the sync policy allows: in a newest-wins folder S3 may keep a copy
 * newer than the machine's (the push rightly skipped it), or keep both copies of a tie (the
 * machine's went up beside S3's under its conflict name). Each is accepted with a note;
 * re-pushing would change nothing.
 */
async function withPolicyOutcomes(
  report: VerifyReport,
  status: ExecutorStatus,
  input: {
    store: ObjectStore;
    storage: Pick<ExecutorSpec['storage'], 'prefix' | 'folders'>;
    signal: AbortSignal;
    onInfo(message: string): void;
  },
): Promise<VerifyReport> {
  const files = new Map(status.manifest.map((f) => [f.key, f]));
  const mismatches: VerifyMismatch[] = [];
  for (const mismatch of report.mismatches) {
    const file = files.get(mismatch.key);
    const folder = newestWinsFolder(mismatch.key, input.storage);
    const note =
      file && folder && (mismatch.problem === 'size' || mismatch.problem === 'sha256')
        ? await policyNote(file, folder, status.runId, input)
        : undefined;
    if (note) input.onInfo(`${mismatch.key}: ${note}`);
    else mismatches.push(mismatch);
  }
  return { ...report, mismatches };
}

function newestWinsFolder(
  key: string,
  storage: Pick<ExecutorSpec['storage'], 'prefix' | 'folders'>,
): { folder: SyncFolder; prefix: string } | undefined {
  return storage.folders
    .filter((f) => f.policy === 'newest-wins')
    .map((folder) => ({ folder, prefix: folderPrefix(storage.prefix, folder.remote) }))
    .find((f) => key.startsWith(f.prefix));
}

/** Why newest-wins allows S3 to differ from the machine's file, or undefined when it does not. */
async function policyNote(
  file: ManifestFile,
  { prefix }: { folder: SyncFolder; prefix: string },
  runId: string,
  input: { store: ObjectStore; signal: AbortSignal },
): Promise<string | undefined> {
  if (file.mtimeMs === undefined) return undefined;
  const head = async (key: string) => withRetry(() => input.store.head(key, input.signal), syncRetry(input.signal));
  const object = await head(file.key);
  const relPath = file.key.slice(prefix.length);
  const remote = {
    key: file.key,
    relPath,
    size: object.size,
    etag: object.etag,
    lastModifiedMs: object.lastModifiedMs,
    ...metadataDetails(object),
  };
  const decision = decide('newest-wins', 'push', {
    local: { relPath, size: file.size, mtimeMs: file.mtimeMs, sha256: file.sha256 },
    remote,
  });
  if (decision.type === 'skip' && remote.mtimeMs !== undefined && remote.mtimeMs > file.mtimeMs) {
    return 'S3 kept a newer copy (newest-wins); the machine’s older copy was rightly not pushed';
  }
  if (decision.type !== 'keep-both') return undefined;
  const copyKey = prefix + conflictRelPath(relPath, runId, file.sha256);
  const copy = await head(copyKey).catch(() => undefined);
  return copy && metadataDetails(copy).sha256 === file.sha256
    ? `conflict: S3's copy kept, the machine's copy is beside it as ${copyKey}`
    : undefined;
}

/**
 * Runs `executor.mjs push` on the machine (secrets on stdin again: the first executor kept them
 * in memory only). Used to re-push after a failed verification, and to rescue the data when
 * the executor died before its own push. Runs the Node recorded at start on the executor
 * uploaded at start (its SHA-256 checked first), and sends only what a push needs.
 */
export async function pushAgain(
  host: RemoteHost,
  layout: WorkLayout,
  secrets: ExecutorSecrets,
  identity: ExecutorIdentity | undefined,
  signal: AbortSignal,
): Promise<Pick<ExecutorStatus, 'manifest' | 'prefixes'>> {
  const { result, code } = await execExecutorPush<Pick<ExecutorStatus, 'manifest' | 'prefixes'>>(
    host,
    layout,
    secrets,
    identity,
    { signal },
  );
  if (code !== 0) throw new Error(`the push failed (exit ${code}): some files did not go up`);
  return result;
}
