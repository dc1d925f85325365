import type { RunEvent } from '../../../../shared/domain/run';
import { silentLogger } from '../../../core/logger';
import { createLocalConnector } from '../../../host/local-host';
import { MemoryBucket, MemoryObjectStore } from '../../../sync/testing/memory-object-store';
import type { ComputeBackend, RelaunchRequest } from '../../pipeline/compute-backend';
import { RunService } from '../../run-service';
import type { InstanceEnd } from '../reattach-resources';

/** What {@link restartedDesktop} records and runs. */
export interface RestartedDesktop {
  runs: RunService;
  /** The EC2 world's calls, in order: resources (the pipeline rebuilt), reattach release, preflight, prepare, acquire, backend release. */
  calls: string[];
  /** Every relaunch the backend was asked to prepare. */
  prepared: RelaunchRequest[];
  events: RunEvent[];
  /** The run's bucket as the desktop's S3 view reads it (SSE-C key fingerprint `fp`). */
  bucket: MemoryBucket;
}

/**
 * A desktop restarted over `dataDir` (a killed one's runs folder): its EC2 world is a stub that records
 * what a relaunch asks, in order, and refuses the launch itself (RunInstances refused); the reattach
 * port reaches the machine on this computer and its teardown (`onRelease`, then $0/h) is a no-op.
 */
export function restartedDesktop(
  dataDir: string,
  spot: { maxRelaunches: number; fallbackOnDemand?: boolean },
  onRelease: () => Promise<void> = async () => {},
  /** What DescribeInstances says of the followed instance (undefined: still running). */
  instanceEnd?: InstanceEnd,
): RestartedDesktop {
  const calls: string[] = [];
  const prepared: RelaunchRequest[] = [];
  const events: RunEvent[] = [];
  const backend: ComputeBackend = {
    kind: 'aws-ec2',
    preflight: async () => (calls.push('preflight'), { plan: 'fresh' }),
    acquire: async () => {
      calls.push('acquire');
      throw new Error('RunInstances refused by the test');
    },
    release: async () => (calls.push('backend release'), { remainingHourlyUsd: 0 }),
    relaunch: {
      maxRelaunches: spot.maxRelaunches,
      fallbackOnDemand: spot.fallbackOnDemand ?? false,
      prepare: async (next) => {
        calls.push('prepare');
        prepared.push(next);
        return { instanceType: 'g5.xlarge', zone: 'eu-west-1c', market: next.market };
      },
    },
  };
  const bucket = new MemoryBucket('td-data');
  const store = new MemoryObjectStore(bucket, 'fp');
  const reattachRelease = async () => {
    calls.push('reattach release');
    await onRelease();
    return { remainingHourlyUsd: 0 };
  };
  const runs = new RunService({
    dataDir,
    emit: (e) => events.push(e),
    now: Date.now,
    log: silentLogger,
    pollMs: 50,
    resources: async () => (calls.push('resources'), { backend, store, bundleDir: dataDir }),
    reattach: {
      resources: async () => ({
        connector: createLocalConnector(),
        secrets: { sseKey: 'AAAA' },
        store,
        release: reattachRelease,
      }),
      release: reattachRelease,
      instanceEnd: async () => instanceEnd,
    },
  });
  return { runs, calls, prepared, events, bucket };
}
