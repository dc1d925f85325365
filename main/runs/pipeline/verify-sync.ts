import type { SyncFolderVerification } from '../../../shared/domain/run-sync';
import type { ExecutorSecrets, ExecutorSpec, ExecutorStatus } from '../../../shared/executor/protocol';
import type { VerifyMismatch } from '../../../shared/sync/types';
import type { WorkLayout } from '../../executor/work-layout';
import type { ObjectStore } from '../../sync/object-store';
import { verifyAgainst, type VerifyReport } from '../../sync/verify';
import { verificationByFolder } from '../../sync/verify-by-folder';
import type { RemoteHost } from './remote-host';
import { shellQuote } from './start-executor';

/** Reads a whole remote file (status.json may hold a large manifest). */
export async function readWhole(host: RemoteHost, path: string): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const chunk = await host.read(path, offset, 1024 * 1024);
    if (chunk === undefined) return offset === 0 ? undefined : Buffer.concat(parts);
    if (chunk.length === 0) return Buffer.concat(parts);
    parts.push(chunk);
    offset += chunk.length;
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
    const report = await verifyAgainst(status.manifest, input.store, status.prefixes, 8, input.signal);
    if (report.mismatches.length === 0)
      return { verified: true, checked: report.checked, rePushes, mismatches: [], folders: byFolder(report) };
    const first = report.mismatches[0]!;
    input.onInfo(
      `S3 does not match the final manifest: ${report.mismatches.length} object(s), first ${first.key} (${first.problem})`,
    );
    if (rePushes >= input.maxRePushes)
      return {
        verified: false,
        checked: report.checked,
        rePushes,
        mismatches: report.mismatches,
        folders: byFolder(report),
      };
    input.onInfo(`pushing again (${rePushes + 1} of ${input.maxRePushes})`);
    const pushed = await pushAgain(input.host(), input.layout, input.secrets, input.signal);
    status = { ...status, manifest: pushed.manifest, prefixes: pushed.prefixes };
  }
}

/**
 * Runs `executor.mjs push` on the machine (secrets on stdin again: the first executor kept them
 * in memory only). Used to re-push after a failed verification, and to rescue the data when
 * the executor died before its own push.
 */
export async function pushAgain(
  host: RemoteHost,
  layout: WorkLayout,
  secrets: ExecutorSecrets,
  signal: AbortSignal,
): Promise<Pick<ExecutorStatus, 'manifest' | 'prefixes'>> {
  const node = (await readWhole(host, layout.nodePathFile))?.toString('utf8').trim() || 'node';
  const result = await host.exec(
    `${shellQuote(node)} ${shellQuote(layout.bundle)} push --work ${shellQuote(layout.workDir)}`,
    { stdin: JSON.stringify(secrets), timeoutMs: 60 * 60_000, signal },
  );
  const line = result.stdout.trim().split('\n').pop();
  if (result.code !== 0 || !line)
    throw new Error(`the push failed (exit ${result.code}): ${result.stderr.trim().split('\n').pop() ?? ''}`);
  return JSON.parse(line) as Pick<ExecutorStatus, 'manifest' | 'prefixes'>;
}
