import type { ComputeBackendKind } from '../../shared/domain/run';

/**
 * What a run started from the window exposes: the local files it reads and where they go, so a
 * confirmation can say it in full. Built by {@link runExposure}; never holds a secret, only paths.
 */
export interface RunExposure {
  runName: string;
  backend: ComputeBackendKind;
  /** Where the run's code and secrets go: "this computer", "ubuntu@10.0.0.5:22", "a new EC2 instance in eu-west-1". */
  destination: string;
  /** `user@host:port` of an ssh-host run (the key of the trusted-host list). */
  sshTarget?: string;
  /** Local files the run reads, each with what it is ("SSE-C key", "deploy key", "override source"). */
  files: Array<{ path: string; what: string }>;
  /** True when the desktop's AWS credentials are handed to the destination (ssh-host and local runs). */
  sendsAwsCredentials: boolean;
  /** `s3://bucket/prefix/`: all the credentials sent can reach (STS-scoped), or the store the store's own keys open. */
  bucketPrefix: string;
}

/**
 * An S3-compatible store's own credentials, about to be sent as they are: the store has no STS to
 * narrow them, so whoever controls the destination can use them as fully as this computer can.
 */
export interface StoreCredentialsExposure {
  runName: string;
  /** Where they go (see {@link RunExposure.destination}). */
  destination: string;
  /** The store's S3 endpoint (the key of the remembered confirmation, with the access key id). */
  endpoint: string;
  /** Names the key pair (never its secret). */
  accessKeyId: string;
}

/**
 * The one port behind which main decides what the window may do on this machine. The window is
 * untrusted (a compromised page, or whoever holds the browser host's token): it can show and ask,
 * but every path it names, every run that executes code or sends files and credentials somewhere,
 * every plaintext export and every deletion of untracked resources passes through here, and is
 * confirmed through a channel the page does not control (a native dialog run by main, the host's
 * terminal, or the host's start flags). The composition picks the implementation: main/app's
 * Electron gate or main/web's browser gate. Policy pieces shared by both live in this folder.
 */
export interface TrustGate {
  /** Which implementation this is (for messages and the SECURITY model; never for a decision). */
  readonly kind: 'electron' | 'browser';
  /**
   * The subset of `paths` main may read for `purpose` (absolute forms, same order as given; a
   * refused path is `undefined`). Electron asks once in a native dialog for paths not yet granted;
   * the browser gate answers from its folder allowlist without asking.
   */
  readable(paths: readonly string[], purpose: string): Promise<Array<string | undefined>>;
  /** Why a path was refused and how to allow it (one sentence with a fix). */
  readonly refusalHint: string;
  /**
   * The path main may create a new file at for `purpose`: Electron runs a native save dialog
   * (starting at `requested`) and returns the user's choice; the browser gate returns `requested`
   * when it lies in the allowlist. Throws FORBIDDEN or CANCELLED otherwise.
   */
  writable(requested: string, purpose: string): Promise<string>;
  /**
   * The folder main may keep data in for `purpose` (the Settings page's data folder): Electron runs a
   * native folder dialog (starting at `requested`) and returns the user's choice; the browser gate
   * returns `requested` when it lies in the allowlist. Throws FORBIDDEN or CANCELLED otherwise.
   */
  chooseFolder(requested: string | undefined, purpose: string): Promise<string>;
  /** Confirms a run before anything starts; throws FORBIDDEN or CANCELLED when the user (or the policy) says no. */
  confirmRun(exposure: RunExposure): Promise<void>;
  /**
   * Confirms sending an S3-compatible store's own credentials as they are (no STS there); throws
   * FORBIDDEN or CANCELLED otherwise. Asked once per endpoint and key: {@link confirmStoreCredentialsOnce}
   * remembers the answer in the app data folder.
   */
  confirmStoreCredentials(exposure: StoreCredentialsExposure): Promise<void>;
  /** Confirms writing a sealed key as a plain file; throws FORBIDDEN or CANCELLED otherwise. */
  confirmPlaintextExport(from: string, to: string): Promise<void>;
  /**
   * Shows the kill-all phrase for untracked resources where the page cannot read it; returns
   * where it was shown, for the page to tell the user ("a TrainDeck dialog", "the host's terminal").
   */
  showKillPhrase(phrase: string, count: number): Promise<{ shownIn: string }>;
}
