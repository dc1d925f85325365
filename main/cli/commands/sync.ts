import { parseArgs } from 'node:util';

import { TypedError } from '../../../shared/ipc/result';
import type { SyncEvent } from '../../../shared/sync/events';
import { folderPrefix } from '../../../shared/sync/keys';
import { printable } from '../../../shared/sync/printable';
import { createS3Client } from '../../aws/s3-client';
import { applyTieringLifecycle } from '../../aws/s3-lifecycle';
import { type LoadedRunConfig, loadRunConfig } from '../../config/load-run-config';
import { encryptPlainObjects } from '../../sync/encrypt';
import { runSync } from '../../sync/engine';
import { assertPushable, openSync } from '../../sync/open-sync';
import { locallyRecordedHashes } from '../../sync/remote-details';
import { loadSyncState, saveSyncState } from '../../sync/sync-state';
import { buildLocalManifest, verifyAgainst } from '../../sync/verify';
import { type CliCommand, CliError, type CliIo } from '../command';
import { parseCommandArgs } from '../parse-args';
import { formatPlan, formatProgress, formatSummary } from '../sync-output';

const USAGE =
  'traindeck sync pull|push|verify|encrypt|lifecycle --config run.json [--folder NAME]... [--dry-run] [--deep] [--json] [--concurrency N] [--write-metadata]';

/** `traindeck sync`: pull before training, push after, verify S3 against the local files. */
export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'pull, push or verify the run folders against S3 (SSE-C, Intelligent-Tiering, SHA-256)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(USAGE, () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          config: { type: 'string' },
          folder: { type: 'string', multiple: true },
          'dry-run': { type: 'boolean', default: false },
          deep: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
          concurrency: { type: 'string' },
          'write-metadata': { type: 'boolean', default: false },
        },
      }),
    );
    const [action, ...extra] = positionals;
    if (!isSyncAction(action)) throw new CliError(`say pull, push, verify, encrypt or lifecycle. Usage: ${USAGE}`);
    if (extra.length) throw new CliError(`unexpected argument "${extra[0]}". Usage: ${USAGE}`);
    if (!values.config) throw new CliError(`--config is required. Usage: ${USAGE}`);
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)) {
      throw new CliError('--concurrency is a whole number from 1 to 256');
    }

    const json = values.json;
    const emit = eventPrinter(io, json);
    let failure: { message: string; fix?: string } | undefined;
    try {
      const code = await syncAction(action, { ...values, config: values.config }, concurrency, io, emit);
      if (typeof code !== 'number') failure = code;
      return typeof code === 'number' ? code : 1;
    } catch (error) {
      failure = {
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof TypedError && error.fix ? { fix: error.fix } : {}),
      };
      throw error;
    } finally {
      if (json && action !== 'lifecycle') {
        const usage = process.resourceUsage();
        emit({
          type: 'resources',
          peakRssBytes: usage.maxRSS * 1024,
          cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        });
      }
      // With --json the stream ends with the error itself on failure (stderr still gets its one line).
      if (json && failure) emit({ type: 'error', ...failure });
    }
  },
};

const SYNC_ACTIONS = ['pull', 'push', 'verify', 'encrypt', 'lifecycle'] as const;
type SyncCliAction = (typeof SYNC_ACTIONS)[number];
const isSyncAction = (word: string | undefined): word is SyncCliAction =>
  (SYNC_ACTIONS as readonly string[]).includes(word ?? '');

/** Runs one action; a failure that is not an exception (files that did not transfer) comes back as its sentence. */
async function syncAction(
  action: SyncCliAction,
  values: {
    config: string;
    folder?: string[] | undefined;
    'dry-run': boolean;
    deep: boolean;
    json: boolean;
    'write-metadata': boolean;
  },
  concurrency: number | undefined,
  io: CliIo,
  emit: (event: SyncEvent) => void,
): Promise<number | { message: string; fix: string }> {
  const loaded = await loadRunConfig(values.config);
  if (action === 'lifecycle') return lifecycle(loaded, io, values.json);
  const opened = await openSync(loaded, {
    ...(values.folder ? { folders: values.folder } : {}),
    ...(concurrency ? { concurrency } : {}),
    env: io.env,
  });
  if (action === 'push') assertPushable(opened.spec, values.folder);
  const controller = new AbortController();
  // Ctrl-C, kill or a closed terminal: stop the transfers, report what was done.
  const stopOnSignal = io.host?.onStopSignal(() => controller.abort());
  try {
    if (action === 'verify') return await verify(opened, emit, controller.signal, values.deep);
    if (action === 'encrypt') return await encrypt(opened, io, values, controller.signal);
    const outcome = await runSync(action, {
      spec: opened.spec,
      store: opened.store,
      region: opened.region,
      dryRun: values['dry-run'],
      signal: controller.signal,
      onEvent: emit,
      // Hashes learned on download go back onto datasets' objects only when asked (metadata-write-back.ts).
      ...(values['write-metadata'] ? { writeMetadataToDatasets: true } : {}),
    });
    if (!outcome.summary) {
      if (values.json) {
        for (const folder of outcome.plan.folders) {
          for (const { local: _l, remote: _r, ...rest } of folder.actions) emit({ type: 'action', action: rest });
        }
      } else io.out(formatPlan(outcome.plan));
      // A dry run that found names it cannot sync says so, as the real run would.
      const planned = outcome.plan.folders.flatMap((f) => f.failures);
      return planned.length
        ? {
            message: `${planned.length} name(s) cannot be synced; the first, ${planned[0]!.folder}/${printable(planned[0]!.relPath)}: ${planned[0]!.message}`,
            fix: 'See the failed-file lines; fix those names, then sync again.',
          }
        : 0;
    }
    const { failures, cancelled } = outcome.summary;
    const first = failures[0];
    if (first) {
      return {
        message: `${failures.length} file(s) did not transfer; the first, ${first.folder}/${printable(first.relPath)}: ${first.message}`,
        fix: 'See the failed-file lines; sync again once their cause is fixed (what transferred is not sent again).',
      };
    }
    if (cancelled) return { message: 'The sync was cancelled.', fix: 'Run it again to finish.' };
    return 0;
  } finally {
    stopOnSignal?.();
  }
}

/** Applies the Intelligent-Tiering + abort-incomplete-uploads lifecycle rule to the run prefix. */
async function lifecycle(loaded: LoadedRunConfig, io: CliIo, json: boolean): Promise<number> {
  const { storage, aws } = loaded.config;
  const client = createS3Client({
    region: storage.region ?? aws.region,
    ...(aws.profile ? { profile: aws.profile } : {}),
    env: io.env,
  });
  const result = await applyTieringLifecycle(client, storage.bucket, storage.prefix);
  io.out(
    json
      ? JSON.stringify({ type: 'lifecycle', bucket: storage.bucket, ...result }) + '\n'
      : `bucket ${storage.bucket}: rule ${result.ruleId} moves s3://${storage.bucket}/${storage.prefix ? `${storage.prefix}/` : ''} to INTELLIGENT_TIERING and aborts unfinished uploads after 1 day (${result.rules} rule(s) in all)\n`,
  );
  return 0;
}

/** Re-encrypts the objects stored without SSE-C (encrypt.ts); one line per object, JSON lines with --json. */
async function encrypt(
  opened: Awaited<ReturnType<typeof openSync>>,
  io: CliIo,
  values: { 'dry-run': boolean; json: boolean },
  signal: AbortSignal,
): Promise<number | { message: string; fix: string }> {
  const dryRun = values['dry-run'];
  const outcome = await encryptPlainObjects({
    store: opened.store,
    spec: opened.spec,
    dryRun,
    signal,
    onObject: ({ key, outcome: done, message }) =>
      values.json
        ? io.out(JSON.stringify({ type: 'encrypt', key, outcome: done, ...(message ? { message } : {}) }) + '\n')
        : done === 'failed'
          ? io.err(`✗ ${printable(key)}: ${message}\n`)
          : io.out(`${done === 'found' ? 'stored without SSE-C' : 'encrypted'}: ${printable(key)}\n`),
  });
  if (values.json) io.out(JSON.stringify({ type: 'encrypt-summary', dryRun, ...outcome }) + '\n');
  else if (!outcome.found.length) io.out('every object is stored with SSE-C: nothing to encrypt\n');
  else if (dryRun) {
    io.out(`${outcome.found.length} object(s) would be encrypted with your key (run without --dry-run)\n`);
  } else {
    io.out(`${outcome.encrypted.length} of ${outcome.found.length} object(s) now stored with SSE-C under your key\n`);
  }
  const first = outcome.failures[0];
  return first
    ? {
        message: `${outcome.failures.length} object(s) were not encrypted and stay as they were; the first, ${printable(first.key)}: ${first.message}`,
        fix: 'Fix the cause named, then run traindeck sync encrypt again (objects already encrypted are not touched).',
      }
    : 0;
}

async function verify(
  opened: Awaited<ReturnType<typeof openSync>>,
  emit: (e: SyncEvent) => void,
  signal: AbortSignal,
  deep: boolean,
): Promise<number> {
  const state = await loadSyncState(opened.spec.localRoot);
  // --deep re-reads every file: the hash cache trusts size+mtime, which a restored mtime fools.
  const expected = await buildLocalManifest(opened.spec, state, signal, { deep });
  await saveSyncState(opened.spec.localRoot, state); // keep the hashes computed on the way
  const prefixes = opened.spec.folders.map((f) => folderPrefix(opened.spec.prefix, f.remote));
  const report = await verifyAgainst(
    expected,
    opened.store,
    prefixes,
    opened.spec.concurrency,
    signal,
    locallyRecordedHashes(opened.spec, state),
  );
  emit({ type: 'verify', ...report });
  return report.mismatches.length ? 1 : 0;
}

/** JSON lines with --json; otherwise readable lines, with a live progress line on a terminal. */
function eventPrinter(io: CliIo, json: boolean): (event: SyncEvent) => void {
  if (json) return (event) => io.out(JSON.stringify(event) + '\n');
  const tty = process.stderr.isTTY;
  return (event) => {
    switch (event.type) {
      case 'warning':
        io.err(`warning: ${event.message}${event.fix ? ` ${event.fix}` : ''}\n`);
        break;
      case 'progress':
        if (tty) io.err(`\r${formatProgress(event)}\x1b[K`);
        break;
      case 'retry':
        io.err(
          `${tty ? '\r\x1b[K' : ''}retrying ${event.key || 'a bucket request'} (attempt ${event.attempt + 1}): ${event.message}\n`,
        );
        break;
      case 'failed-file':
        io.err(`${tty ? '\r\x1b[K' : ''}✗ ${event.folder}/${printable(event.relPath)}: ${event.message}\n`);
        break;
      case 'summary':
        io.out(`${tty ? '\r\x1b[K' : ''}${formatSummary(event.summary)}`);
        break;
      case 'verify':
        io.out(
          event.mismatches.length
            ? `${event.mismatches.length} of ${event.checked} files differ in S3:\n${event.mismatches.map((m) => `  ✗ ${m.key}: ${m.problem}${m.expected ? ` (expected ${m.expected}, found ${m.actual})` : ''}`).join('\n')}\n`
            : `verified: all ${event.checked} local files are in S3 with the same size and SHA-256\n`,
        );
        if (event.extra.length) io.out(`${event.extra.length} object(s) in S3 have no local file (kept).\n`);
        break;
      default:
        break;
    }
  };
}
