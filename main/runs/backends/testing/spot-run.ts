import { rmSync } from 'node:fs';
import { join } from 'node:path';

import type { RunEvent } from '../../../../shared/domain/run';
import { TAG_RUN_ID } from '../../../../shared/domain/tags';
import type { RunAttempt } from '../../../../shared/report/run-attempts';
import type { LifecycleDeps } from '../../../lifecycle/lifecycle-deps';
import type { RunRecord } from '../../pipeline/testing/run-fixture';
import { PARQUET_BYTES } from '../../pipeline/testing/training-repo';
import { createEc2Backend } from '../ec2-backend';
import type { Ec2BedWorld } from './ec2-bed-world';

/** The bed instances of one run (tagged with its id), in launch order. */
export const instancesOf = (world: Ec2BedWorld, runId: string) =>
  world.bed
    .instances()
    .filter((i) => world.fake.region(i.region).instances.get(i.instanceId)?.tags[TAG_RUN_ID] === runId);

/** A finished {@link spotRun}: its record, id and attempts. */
export interface SpotRun extends RunRecord {
  runId: string;
  attempts: RunAttempt[];
  /** How many of the run's instances were up when each instance was launched (one at a time: 0). */
  upAtLaunch: number[];
}

/** What a {@link spotRun} may be given besides its spot settings. */
export interface SpotRunOptions {
  /** Sees every event with the run's id (e.g. stops the run). */
  onEvent?: (event: RunEvent, runId: string) => void;
  /** Called with the run's id before it starts (a kill-all's `stopRuns` needs it). */
  onStart?: (runId: string) => void;
  signal?: AbortSignal;
  /** Changes the run's desktop world (e.g. holds its EC2 calls). */
  deps?: (deps: LifecycleDeps) => LifecycleDeps;
}

/** {@link spotRun}'s arguments after the world. */
export type SpotRunArgs = [
  name: string,
  spot: { maxRelaunches: number; fallbackOnDemand?: boolean },
  hangAfter: string,
  options?: SpotRunOptions,
];

/**
 * A spot run on the bed whose training hangs after the epochs of `hangAfter` (one per attempt), each
 * answered by a spot notice on the instance; its own S3 prefix (`name`). `onEvent` may stop it.
 */
export async function spotRun(
  world: Ec2BedWorld,
  ...[name, spot, hangAfter, options = {}]: SpotRunArgs
): Promise<SpotRun> {
  let runId = '';
  const noticed = new Set<string>();
  const upAtLaunch: number[] = [];
  await world.f.fx.seed(`runs/${name}/cached-datasets/train.parquet`, PARQUET_BYTES);
  const config = world.config((raw) => {
    raw.storage.prefix = `runs/${name}`;
    raw.training.env = { EPOCHS: '3', STEPS: '2', HANG_AFTER_EPOCH: hangAfter };
    Object.assign(raw.compute as Record<string, unknown>, { market: 'spot', spot });
  });
  const run = await world.f.run(
    config,
    (id) => {
      world.runIds.push((runId = id));
      options.onStart?.(id);
      const deps = world.deps(name);
      return createEc2Backend(config, id, options.deps?.(deps) ?? deps);
    },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      // As the run service prices an attempt when it ends: the fake account's DescribeSpotPriceHistory over HTTP.
      spotHistory: world.spotHistory,
      onEvent: (e) => {
        if (e.type === 'phase' && e.phase === 'provisioning' && e.status === 'succeeded') {
          const mine = instancesOf(world, runId);
          upAtLaunch.push(mine.slice(0, -1).filter((i) => i.up).length);
        }
        // The training checkpointed and waits: AWS announces the reclaim of this attempt's instance.
        if (e.type === 'log' && e.line.endsWith(' hanging')) {
          const live = instancesOf(world, runId).find((i) => i.up && !noticed.has(i.instanceId));
          if (live) {
            noticed.add(live.instanceId);
            world.bed.postSpotNotice(live.instanceId);
          }
        }
        // AWS took the instance back: its disk went with it (the bed's instances share this machine's).
        if (e.type === 'attempts' && e.attempts.at(-1)?.end === 'interrupted') {
          rmSync(join('/var/tmp/traindeck', runId), { recursive: true, force: true });
        }
        options.onEvent?.(e, runId);
      },
    },
  );
  return { ...run, runId, attempts: run.snapshot.attempts ?? [], upAtLaunch };
}
