import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { inject } from 'vitest';

import type { RunEvent } from '../../../../shared/domain/run';
import type { RunConfig } from '../../../../shared/run-config/schema';
import { AcceleratedClock } from '../../../aws/fake/accelerated-clock';
import { FakeAws } from '../../../aws/fake/fake-aws';
import { createSdkAwsPorts } from '../../../aws/sdk/sdk-aws-ports';
import { type AwsQueryServer, startAwsQueryServer } from '../../../aws/testing/aws-query-server';
import { type Ec2TestBed, startEc2TestBed } from '../../../aws/testing/ec2-test-bed';
import type { LifecycleDeps } from '../../../lifecycle/lifecycle-deps';
import { priceSpotWindow } from '../../../lifecycle/spot-cost';
import type { SpotWindowPricing } from '../../pipeline/attempt-log';
import { createRunFixture, type RawConfig, type RunFixture } from '../../pipeline/testing/run-fixture';

/** An aws-ec2 run's world on the EC2 test bed: the run fixture (sshd for git, Ceph RGW), the fake account and its bed. */
export interface Ec2BedWorld {
  f: RunFixture;
  fake: FakeAws;
  bed: Ec2TestBed;
  server: AwsQueryServer;
  clock: AcceleratedClock;
  /** Every run id of the file: their work folders on this machine are removed at the end. */
  runIds: string[];
  /** The desktop's world for a run: SDK clients over HTTP (S3: Ceph), the bed's SSH; `name` keeps each run's data folder apart. */
  deps(name: string): LifecycleDeps;
  /**
   * How the run service prices a spot attempt when it ends (create-run-service.ts's `spotHistory`):
   * DescribeSpotPriceHistory through the SDK, over HTTP, answered by the fake account.
   */
  spotHistory: SpotWindowPricing;
  /** A config of the fixture for an aws-ec2 run of `node train.mjs` on a t3.micro (60 min TTL), then `patch`. */
  config(patch: (raw: RawConfig) => void): RunConfig;
  close(): Promise<void>;
}

/** Starts the fixture, the fake account (fake time 5× faster: a 20-s boot passes at once), its bed and its HTTP server. */
export async function startEc2BedWorld(name: string): Promise<Ec2BedWorld> {
  const s3 = inject('s3');
  const f = await createRunFixture(name);
  const clock = new AcceleratedClock(5);
  const fake = new FakeAws({ clock, regions: [s3.region] });
  const bed = await startEc2TestBed({
    fake,
    instanceRoleCredentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const server = await startAwsQueryServer({ fake });
  const runIds: string[] = [];
  const env = { AWS_ENDPOINT_URL_S3: s3.endpoint };
  const ports: LifecycleDeps['ports'] = (target) =>
    createSdkAwsPorts({
      region: target.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      env,
      endpoints: { ...server.endpoints(), S3: s3.endpoint },
    });
  return {
    f,
    fake,
    bed,
    server,
    clock,
    runIds,
    spotHistory: (window) =>
      priceSpotWindow(window, { region: s3.region }, { spotPrices: (target) => ports(target).ec2(target.region) }),
    deps: (dataName) => ({
      ports,
      publicIp: { publicIpv4: async () => '127.0.0.1' },
      probe: bed.probe,
      dataDir: join(f.dir, `data-${dataName}`),
      clock,
      sleep: clock.sleep,
      env,
      createdBy: 'traindeck/test',
      instanceSsh: bed.instanceSsh,
    }),
    config: (patch) =>
      f.config((raw) => {
        raw.training = { ...raw.training, command: 'node train.mjs' };
        raw.compute = {
          instanceType: 't3.micro',
          diskGb: 30,
          ttlMinutes: 60,
          sshUser: f.sshd.user,
          allowedSshCidr: '127.0.0.1/32',
          shutdownAfterPush: true,
        };
        patch(raw);
      }),
    async close() {
      await bed.close();
      await server.close();
      for (const runId of runIds) rmSync(join('/var/tmp/traindeck', runId), { recursive: true, force: true });
      await f.cleanup();
    },
  };
}

/** What a failed assertion shows: every event but the log lines. */
export const story = (events: RunEvent[]) =>
  events
    .filter((e) => e.type !== 'log')
    .map((e) => JSON.stringify(e).slice(0, 300))
    .join('\n');
