import type { LaunchMarket, PlacementCandidate } from '../../../shared/domain/capacity-failover';
import type { ComputeBackendKind } from '../../../shared/domain/run';
import type { PowerOff } from '../../../shared/executor/protocol';
import type { HostConnector } from '../../host/remote-host';

/** One step or wait of a provisioning, as the run shows it. */
export interface AcquireProgress {
  step: string;
  /** One line, e.g. "waiting for sshd at 203.0.113.4:22: 45 s of 5 min". */
  line: string;
  /** For waits: seconds waited and the wait's limit. */
  elapsedSeconds?: number;
  limitSeconds?: number;
  /** Where the instance landed (aws-ec2, once RunInstances took it): what the run's burn prices from then on. */
  placement?: PlacementCandidate;
}

/**
 * How to reach the machine again from another process after a crash (journaled, so no secret:
 * the SSH key is the path of a file that already exists). `hostKeyFingerprints` are the pinned
 * keys; the pipeline adds the one seen at first sight.
 */
export type ReattachTarget =
  | {
      kind: 'ssh';
      host: string;
      port: number;
      username: string;
      identityFile: string;
      hostKeyFingerprints: string[];
    }
  | { kind: 'local' };

/** A machine ready for the executor. */
export interface AcquiredHost {
  connector: HostConnector;
  /** How a later TrainDeck reaches it again (absent: the run cannot be reattached). */
  reattach?: ReattachTarget;
  /** Absolute work folder on that machine (created by the pipeline). */
  workDir: string;
  /** Pass `--on-instance`: the machine is a TrainDeck EC2 instance that may power itself off. */
  onInstance: boolean;
  powerOff: PowerOff;
  powerOffAtEnd: boolean;
  /** S3 endpoint as seen from the machine, when not AWS's. */
  s3Endpoint?: string;
  /** Send the desktop's S3 credentials to the executor (no instance role on that machine). */
  sendS3Credentials: boolean;
  /** Seconds the executor may run before it stops, pushes and powers off. */
  ttlSeconds: number;
  detail?: Record<string, unknown>;
  /** The EC2 instance behind the host (aws-ec2 only): what the monitor prices and watches. */
  aws?: AwsMachine;
}

/** An EC2 instance a run trains on, as the monitor needs it (burn rate, CloudWatch, spot). */
export interface AwsMachine {
  instanceId: string;
  region: string;
  profile?: string;
  instanceType: string;
  /** Root gp3 volume size. */
  diskGb: number;
  spot: boolean;
  /** The availability zone it runs in (absent in attach journals from before spot relaunch). */
  zone?: string;
  /** Epoch ms the instance was launched (billing start). */
  launchedAt: number;
}

/**
 * The instance a failed `acquire` had launched (RunInstances answered) before the failure or a Stop, and
 * its launch cleanup terminated: it ran, so it billed. Carried by the acquire's error ({@link launchedBefore}).
 */
export interface LaunchedInstance {
  instanceId: string;
  instanceType: string;
  zone: string;
  market: LaunchMarket;
  /** Its root volume (created and deleted with it). */
  diskGb: number;
  /** ISO 8601: when RunInstances answered. */
  launchedAt: string;
  /** ISO 8601: when its termination was confirmed; absent when it was not (the run's teardown tries again). */
  endedAt?: string;
}

/** The instance a failed `acquire` launched, as its error (or the phase failure it caused) carries it; undefined: none. */
export function launchedBefore(error: unknown): LaunchedInstance | undefined {
  if (!(error instanceof Error)) return undefined;
  return (error as Error & { launched?: LaunchedInstance }).launched ?? launchedBefore(error.cause);
}

/** The next launch of a relaunched run: which attempt, on which market, and why. */
export interface RelaunchRequest {
  /** 1-based: the first relaunch is attempt 2. */
  attempt: number;
  market: LaunchMarket;
  /** The zone AWS just took the instance back in: tried last. */
  interruptedZone?: string;
  reason: string;
}

/**
 * What a backend that can launch its machine again after a spot interruption offers the run
 * (aws-ec2 spot runs): its settings, and the step that makes the next `acquire` that launch.
 */
export interface MachineRelaunch {
  /** `compute.spot.maxRelaunches` (0: off). */
  maxRelaunches: number;
  /** `compute.spot.fallbackOnDemand`. */
  fallbackOnDemand: boolean;
  /**
   * Called after `release` tore the interrupted machine down (verified): journals the relaunch and
   * makes the next `acquire` launch `next`. Returns the first placement that launch tries.
   */
  prepare(next: RelaunchRequest): Promise<PlacementCandidate | undefined>;
}

/**
 * Where a run executes: `aws-ec2` (provisioned and torn down per run), `ssh-host` (a machine
 * of the user's, nothing created or deleted) or `local` (this computer, a temp folder). The
 * pipeline is the same for all three.
 */
export interface ComputeBackend {
  readonly kind: ComputeBackendKind;
  /** Checks before anything is created; returns facts to show. */
  preflight(signal: AbortSignal): Promise<Record<string, unknown>>;
  /**
   * Creates (aws-ec2) or names (ssh-host, local) the machine. `onFirstSight` records a host key seen
   * for the first time; `onProgress` reports each step and wait of a provisioning (one line each).
   */
  acquire(
    signal: AbortSignal,
    onFirstSight: (fingerprint: string) => void,
    onProgress?: (progress: AcquireProgress) => void,
  ): Promise<AcquiredHost>;
  /** Deletes what `acquire` created and proves it (aws-ec2); nothing for the others. */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
  /** Present when the machine may be launched again after a spot interruption. */
  readonly relaunch?: MachineRelaunch;
}
