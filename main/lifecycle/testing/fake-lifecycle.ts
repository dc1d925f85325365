import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type RunConfig, runConfigSchema } from '../../../shared/run-config/schema';
import { FakeAws } from '../../aws/fake/fake-aws';
import { FakeClock } from '../../aws/testing/fake-clock';
import type { LifecycleDeps } from '../lifecycle-deps';

/** A fake account with a bucket, a fake clock and a temporary data folder, wired as lifecycle deps. */
export interface FakeWorld {
  fake: FakeAws;
  clock: FakeClock;
  deps: LifecycleDeps;
  dir: string;
  /** A valid run config (in eu-west-1, bucket "td-data", g5.xlarge) with its key file written. */
  config: RunConfig;
}

/** Builds a {@link FakeWorld}; `configPatch` overrides parts of the compute section. */
export async function fakeWorld(
  options: { regions?: string[]; compute?: Partial<NonNullable<RunConfig['compute']>> } = {},
): Promise<FakeWorld> {
  const clock = new FakeClock();
  const fake = new FakeAws({ clock, regions: options.regions ?? ['us-east-1', 'eu-west-1', 'us-west-2'] });
  fake.buckets.set('td-data', { region: 'eu-west-1', versioning: 'off' });
  const dir = await mkdtemp(join(tmpdir(), 'traindeck-lifecycle-'));
  const keyFile = join(dir, 'sse.key');
  await writeFile(keyFile, Buffer.alloc(32, 7).toString('base64'));
  const config = runConfigSchema.parse({
    version: 1,
    name: 'demo',
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', prefix: 'team/demo', sseKeyFile: keyFile },
    compute: { instanceType: 'g5.xlarge', ttlMinutes: 240, diskGb: 100, ...options.compute },
  });
  const deps: LifecycleDeps = {
    ports: () => fake.ports(),
    publicIp: { publicIpv4: async () => '198.51.100.23' },
    probe: fake,
    dataDir: join(dir, 'data'),
    clock,
    sleep: clock.sleep,
    env: {
      AWS_ACCESS_KEY_ID: 'AKIAFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      AWS_CONFIG_FILE: join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    },
    createdBy: 'traindeck/test',
  };
  return { fake, clock, deps, dir, config };
}
