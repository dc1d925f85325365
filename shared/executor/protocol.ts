import type { RunSyncReport } from '../domain/run-sync';
import type { WebhookTarget } from '../notify/webhook';
import type { SyncFolder } from '../run-config/schema';
import type { ManifestFile } from '../sync/types';

/**
 * What the desktop and the instance-side executor exchange. The spec travels as a file
 * (no secrets in it); secrets travel once over the SSH channel's stdin as {@link ExecutorSecrets}.
 */

/** The executor's own phases, in order; `done` is the last line of every run. */
export const EXECUTOR_PHASES = [
  'bootstrap',
  'checkout',
  'pulling',
  'verifying',
  'training',
  'pushing',
  'done',
] as const;
/** One of {@link EXECUTOR_PHASES}. */
export type ExecutorPhase = (typeof EXECUTOR_PHASES)[number];

/** How the machine is switched off at the end or at the TTL. */
export type PowerOff =
  /** Leave the machine running (ssh-host, local). */
  | { kind: 'none' }
  /** Run this argv instead (tests: write a marker file). */
  | { kind: 'command'; argv: string[] }
  /** `shutdown -P now`: only honoured with `--on-instance` on a cloud-init machine. */
  | { kind: 'system' };

/** A local file the desktop uploaded, to be copied into the repo at `target`. */
export interface OverrideSpec {
  /** Path relative to the work folder where the desktop uploaded it. */
  uploaded: string;
  /** Path inside the repo. */
  target: string;
}

/** Everything the executor needs to know, written to `WORK/spec.json` (no secrets). */
export interface ExecutorSpec {
  runId: string;
  code: { repoUrl: string; branch?: string; commit?: string; knownHosts: string; overrides: OverrideSpec[] };
  training: { command: string; env: Record<string, string>; graceSeconds: number };
  storage: {
    bucket: string;
    prefix: string;
    region: string;
    endpoint?: string;
    folders: SyncFolder[];
    concurrency?: number;
  };
  /** Seconds from executor start after which training is stopped, data pushed and power-off run. */
  ttlSeconds: number;
  /** Free bytes to keep on the data disk beyond the datasets to pull. */
  diskReserveBytes: number;
  powerOff: PowerOff;
  /** Power off after the final push (not only at the TTL). */
  powerOffAtEnd: boolean;
  /** Watch this IMDS for spot notices even off an instance (tests; EC2's is watched on instances). */
  imdsBase?: string;
  /**
   * Which launch of the run this is (1-based; absent: 1). From 2 on (a spot relaunch) the training
   * gets `TRAINDECK_RESUME_FROM`, the newest checkpoint pulled; every attempt gets `TRAINDECK_ATTEMPT`.
   */
  attempt?: number;
}

/** Secrets sent on stdin as one JSON document; they live in memory (and /dev/shm for git's ssh). */
export interface ExecutorSecrets {
  /** Base64 of the 32-byte SSE-C key. */
  sseKey: string;
  /** OpenSSH private key for the repo; absent for https repos. */
  deployKey?: string;
  /** S3 credentials for hosts without an instance role (ssh-host backend). */
  s3?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * `training.secretEnv` with the values read from its files (name → value): exported into the
   * training's environment only, and redacted from its output.
   */
  secretEnv?: Record<string, string>;
  /** The notification webhook: the executor posts "training finished/failed" itself (a closed laptop still hears). */
  webhook?: WebhookTarget;
  /**
   * This attempt's key for sealing the lines the desktop must be able to believe (the machine's word
   * on its own webhook post): base64 of 32 random bytes the desktop made. Kept in the executor's
   * memory only, never given to the training (main/core/line-seal.ts).
   */
  lineKey?: string;
}

/** One line of `logs/<run-id>/executor.jsonl` (file names: run-folders.ts `RUN_LOG_FILES`). */
export interface ExecutorEvent {
  seq: number;
  at: string;
  phase: ExecutorPhase;
  status: 'started' | 'succeeded' | 'failed' | 'info';
  /** Why a phase failed, in one line, with what to do in `fix`. */
  reason?: string;
  fix?: string;
  detail?: Record<string, unknown>;
  /**
   * Per-folder sync figures (at most one line a second per direction, and a final one) or
   * verification results, on `info` lines of `pulling`, `pushing` and `verifying` in
   * `WORK/sync.jsonl`: not in executor.jsonl, which the push uploads (a file that grows while
   * it uploads fails). The desktop forwards it as a run event.
   */
  sync?: RunSyncReport;
  /** The executor's seal on a line the desktop must be able to believe (main/core/line-seal.ts). */
  seal?: string;
}

/**
 * `WORK/train-live.json`: the training's progress bar as last redrawn (tqdm's `\r` redraws),
 * replaced whole at most twice a second. Outside the pushed folders (a file rewritten while it
 * uploads fails its upload); the log keeps one line per bar close.
 */
export interface LiveBarRecord {
  /** ISO time of the redraw. */
  at: string;
  stream: 'stdout' | 'stderr';
  text: string;
  /** False once the bar closed (its last state is then a line of train.log). */
  open: boolean;
}

/** `WORK/status.json`, written after the final push. */
export interface ExecutorStatus {
  runId: string;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'ttl-expired' | 'spot-interrupted';
  /** The first phase that failed, and why. */
  failedPhase?: ExecutorPhase;
  reason?: string;
  exitCode?: number | null;
  signal?: string | null;
  timings: Partial<Record<ExecutorPhase, { startedAt: string; endedAt?: string }>>;
  pushed: boolean;
  /** Every pushed file with its SHA-256 (the desktop verifies S3 against it). */
  manifest: ManifestFile[];
  /** Key prefixes of the pushed folders (for the desktop's listing). */
  prefixes: string[];
  finishedAt: string;
}

/** The folders a push during training may be asked for (`executor.mjs push --folder NAME`). */
export const PUSH_NOW_FOLDERS = ['checkpoints', 'models', 'logs'] as const;
/** One of {@link PUSH_NOW_FOLDERS}. */
export type PushNowFolder = (typeof PUSH_NOW_FOLDERS)[number];

/** How long a file must have gone unmodified before a push during training takes it (ms). */
export const PUSH_NOW_SETTLE_MS = 5_000;

/**
 * What a push during training did (the last line of `executor.mjs push --folder …`). A file
 * modified within the settle window, or while it went up, is in `skipped`, never half in S3.
 */
export interface PushNowResult {
  folders: PushNowFolder[];
  uploaded: number;
  bytes: number;
  skipped: Array<{ folder: string; relPath: string; reason: string }>;
  failures: Array<{ folder: string; relPath: string; message: string }>;
}

/** A push during training as the user sees it: what moved, and the newest checkpoint now in S3. */
export interface PushNowReport extends PushNowResult {
  /** The newest object of the checkpoints folder in S3 (its key and time there), if any. */
  newestCheckpoint?: { key: string; at: string };
}
