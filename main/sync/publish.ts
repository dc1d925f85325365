import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import type { SyncEvent } from '../../shared/sync/events';
import { keyForLocalPath } from '../../shared/sync/key-path';
import { folderPrefix } from '../../shared/sync/keys';
import type { LocalFile, SyncAction, SyncFailure, SyncPlan, SyncSummary } from '../../shared/sync/types';
import type { ObjectStore } from '../aws/ports/object-store';
import { executePlan } from './execute';
import { createLimiter } from './limiter';
import { mtimeOf, scanLocalFolder } from './local-files';
import { localSha256 } from './local-hash';
import { remoteDetails } from './remote-details';
import { syncRetry, withRetry } from './retry';
import type { SyncSpec } from './sync-spec';

/** What `traindeck datasets publish` needs. */
export interface PublishInput {
  store: ObjectStore;
  spec: SyncSpec;
  /** The pull-only folder to publish into (its name in the config). */
  folder: string;
  /** A file, or a folder whose files are published under their paths relative to it. */
  source: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: SyncEvent) => void;
}

/**
 * Uploads local files into a pull-only (datasets) folder: the one way TrainDeck writes there.
 * Uses the engine's upload path, so every object gets SSE-C, INTELLIGENT_TIERING and the
 * SHA-256 + mtime metadata the pull and the run's dataset verification check. A file already
 * published with the same SHA-256 is skipped; a different one replaces the object (S3 is the
 * source of truth of this folder, and publishing is how it changes). Nothing is ever deleted.
 */
export async function publishDatasets(input: PublishInput): Promise<{ plan: SyncPlan; summary?: SyncSummary }> {
  const folder = input.spec.folders.find((f) => f.name === input.folder);
  if (!folder || folder.policy !== 'pull-only') {
    throw new TypedError('INVALID_REQUEST', `Folder "${input.folder}" is not a pull-only (datasets) folder.`, {
      fix: `Publish into one of: ${
        input.spec.folders
          .filter((f) => f.policy === 'pull-only')
          .map((f) => f.name)
          .join(', ') || '(none: add a pull-only folder to storage.folders)'
      }; other folders are written by sync push.`,
    });
  }
  const source = resolve(input.source);
  const info = await stat(source).catch(() => undefined);
  if (!info || (!info.isFile() && !info.isDirectory())) {
    throw new TypedError('INVALID_REQUEST', `Nothing to publish at ${source}.`, {
      fix: 'Give a dataset file or a folder of them.',
    });
  }
  const root = info.isFile() ? dirname(source) : source;
  const scan = info.isFile()
    ? { files: [{ relPath: basename(source), size: info.size, mtimeMs: mtimeOf(info) }], skipped: [], unreadable: [] }
    : await scanLocalFolder(source);

  const prefix = folderPrefix(input.spec.prefix, folder.remote);
  const listed = new Map(
    (await withRetry(() => input.store.list(prefix, input.signal), syncRetry(input.signal))).map((o) => [o.key, o]),
  );
  const failures: SyncFailure[] = [
    ...scan.unreadable.map((u) => ({
      folder: folder.name,
      relPath: u.relPath,
      action: 'upload' as const,
      message: u.message,
    })),
  ];
  const limit = createLimiter(input.spec.concurrency);
  const hashes = {};
  const actions = await Promise.all(
    scan.files.map((file) =>
      limit(async (): Promise<SyncAction | undefined> => {
        const key = keyForLocalPath(prefix, file.relPath);
        if (!key.ok) {
          failures.push({
            folder: folder.name,
            relPath: file.relPath,
            action: 'upload',
            message: `"${file.relPath}" cannot be published: ${key.reason}.`,
          });
          return undefined;
        }
        const listedObject = listed.get(key.key);
        const remote = listedObject
          ? await remoteDetails(input.store, { ...listedObject, relPath: file.relPath }, undefined, input.signal)
          : undefined;
        const sha256 = await localSha256(`${root}/${file.relPath}`, file, hashes, input.signal);
        const local: LocalFile = { ...file, sha256 };
        const same = remote?.sha256 === sha256 && remote.size === file.size && remote.encrypted !== false;
        const reason = !remote
          ? 'not in S3 yet'
          : same
            ? 'already published (same SHA-256)'
            : remote.sha256
              ? 'differs from the published copy: replaced'
              : 'published by another tool without TrainDeck metadata: replaced with SSE-C and a recorded hash';
        return {
          type: same ? 'skip' : 'upload',
          folder: folder.name,
          relPath: file.relPath,
          key: key.key,
          bytes: same ? 0 : file.size,
          reason,
          local,
          ...(remote ? { remote } : {}),
        };
      }),
    ),
  );
  const plan: SyncPlan = {
    direction: 'push',
    bucket: input.spec.bucket,
    folders: [
      {
        folder: folder.name,
        policy: folder.policy,
        remotePrefix: prefix,
        actions: actions.filter((a): a is SyncAction => a !== undefined),
        failures,
        skippedPaths: scan.skipped.map((s) => ({ folder: folder.name, relPath: s.relPath, reason: s.reason })),
      },
    ],
  };
  if (input.dryRun) return { plan };
  // The engine's own execution: the source stands in for the folder's local path (this run only).
  const summary = await executePlan(plan, {
    store: input.store,
    spec: { ...input.spec, localRoot: root, folders: [{ ...folder, local: '.' }] },
    state: { version: 1, folders: {}, hashes: {} },
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onEvent ? { onEvent: input.onEvent } : {}),
  });
  return { plan, summary };
}
