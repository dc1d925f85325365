import { rm } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ListedObject } from '../../aws/ports/object-store';
import { MemoryBucket, MemoryObjectStore } from '../../sync/testing/memory-object-store';
import { type FakeWorld, fakeWorld } from '../testing/fake-lifecycle';
import { bytesToPull } from './disk-room';
import { runPreflight } from './run-preflight';

// Disk room, before anything is created: what the run pulls (sizes from a listing of the prefix)
// plus the reserve and margin, against the EC2 disk the config asks for (minus the image), or the
// free room of the ssh-host machine's work folder (`df` over the login check, in host-preflight.test.ts).

const GIB = 1024 ** 3;

/** The in-memory store, with every listed object reported at `sizeBytes` (no gigabytes allocated). */
class SizedStore extends MemoryObjectStore {
  constructor(
    memory: MemoryBucket,
    private readonly sizeBytes: number,
  ) {
    super(memory, 'fp');
  }

  override async list(prefix: string): Promise<ListedObject[]> {
    return (await super.list(prefix)).map((o) => ({ ...o, size: this.sizeBytes }));
  }
}

function storeWith(keys: string[], sizeBytes: number): SizedStore {
  const bucket = new MemoryBucket('td-data');
  for (const key of keys) bucket.putDirect(key, Buffer.from('x'), { sseKey: 'fp' });
  return new SizedStore(bucket, sizeBytes);
}

let world: FakeWorld;
beforeAll(async () => {
  world = await fakeWorld();
});
afterAll(async () => {
  await rm(world.dir, { recursive: true, force: true });
});

describe('disk room', () => {
  it('counts datasets, models and checkpoints under the prefix, not the logs (a run pulls only its own)', async () => {
    const store = storeWith(
      [
        'team/demo/cached-datasets/a.parquet',
        'team/demo/models/m.pt',
        'team/demo/checkpoints/c.pt',
        'team/demo/logs/old-run/train.log',
        'team/other/cached-datasets/not-ours.parquet',
      ],
      GIB,
    );
    const figures = await bytesToPull(world.config, store);
    expect(figures.pullBytes).toBe(3 * GIB);
    // Reserve (training.diskReserveMb, 1024 MB by default) and the sync engine's 64 MB margin.
    expect(figures.needBytes).toBe(3 * GIB + GIB + 64 * 1024 * 1024);
  });

  it('EC2: a dataset larger than the disk minus the image fails with the figures and the size that fits; nothing is created', async () => {
    // g5.xlarge on the Deep Learning AMI (75 GB image) with diskGb 100: 25 GB of room.
    const input = {
      config: world.config,
      ports: world.fake.ports(),
      publicIp: world.deps.publicIp,
      env: world.deps.env,
      clock: world.clock,
    };
    const tooBig = await runPreflight({
      ...input,
      objectStore: storeWith(['team/demo/cached-datasets/a.parquet'], 30 * GIB),
    });
    const disk = tooBig.report.checks.find((c) => c.id === 'disk');
    expect(disk).toMatchObject({
      status: 'fail',
      value: expect.stringMatching(
        /^30.0 GiB to pull \+ 1.1 GiB reserve and margin need more than the 25.0 GiB free on a 100 GiB disk/,
      ),
      fix: expect.stringContaining('Set compute.diskGb to 107 or more'),
    });
    expect(tooBig.plan).toBeUndefined();
    expect(world.fake.writes).toEqual([]);

    const fits = await runPreflight({
      ...input,
      objectStore: storeWith(['team/demo/cached-datasets/a.parquet'], 5 * GIB),
    });
    expect(fits.report.checks.find((c) => c.id === 'disk')).toMatchObject({ status: 'pass' });
    expect(fits.plan).toBeDefined();
  });
});
