import { AcceleratedClock } from '../aws/fake/accelerated-clock';
import { demoAccount } from '../aws/fake/demo-account';
import { usesFakeAws } from '../aws/fake/demo-mode';
import { FakeAws } from '../aws/fake/fake-aws';
import type { AwsPorts } from '../aws/ports/aws-ports';
import { s3EndpointFromEnv } from '../aws/s3-credentials';
import { createSdkAwsPorts } from '../aws/sdk/sdk-aws-ports';
import { APP_VERSION } from '../core/version';
import { type AwsTarget, defaultLifecycleDeps, type LifecycleDeps } from '../lifecycle/lifecycle-deps';

/**
 * The lifecycle's outside world for the app: the real SDK clients, or (with
 * TRAINDECK_FAKE_AWS=1) the seeded in-memory account on an accelerated clock, so the cost
 * panel has something to show and a kill-all finishes in seconds (S3 stays real when an S3
 * endpoint is configured, see below). The profile named
 * "expired-sso" answers like an expired SSO session, for the wizard's login hint.
 */
export function lifecycleWorld(env: NodeJS.ProcessEnv, dataDir: string): LifecycleDeps {
  if (!usesFakeAws(env)) return defaultLifecycleDeps(env);
  const clock = new AcceleratedClock();
  const fake = demoAccount(clock);
  const expired = new FakeAws({ clock, regions: [] });
  expired.identityFault = 'expired-sso';
  // S3 has real local implementations (Ceph RGW, MinIO): with an S3 endpoint set, buckets are
  // that store's, and only what nothing local serves (STS, EC2, CloudWatch…) stays in memory.
  const realS3 = s3EndpointFromEnv(env) !== undefined;
  const withS3 = (ports: AwsPorts, target: AwsTarget): AwsPorts =>
    realS3 ? { ...ports, bucket: createSdkAwsPorts({ region: target.region, env }).bucket } : ports;
  return {
    ports: (target) =>
      withS3(
        target.profile === 'expired-sso' ? { ...fake.ports(), identity: expired.ports().identity } : fake.ports(),
        target,
      ),
    publicIp: { publicIpv4: async () => '198.51.100.23' },
    probe: fake,
    dataDir,
    clock,
    sleep: clock.sleep,
    env,
    createdBy: `traindeck/${APP_VERSION}`,
    // With a real S3 store, preflight's data checks read it as the real world does; without one, none.
    ...(realS3 ? { openStore: defaultLifecycleDeps(env).openStore! } : {}),
    ...fakeInstanceSsh(env),
  };
}

/**
 * TRAINDECK_FAKE_AWS_SSH=127.0.0.1:PORT: the fake account's instances answer SSH there (a real
 * sshd, or the tests' fault server), tried for 10 s in all. Without it they are unreachable.
 */
function fakeInstanceSsh(env: NodeJS.ProcessEnv): Pick<LifecycleDeps, 'instanceSsh'> {
  const match = /^([\w.:-]+):(\d{1,5})$/.exec(env.TRAINDECK_FAKE_AWS_SSH ?? '');
  if (!match) return {};
  const endpoint = { host: match[1]!, port: Number(match[2]) };
  return {
    instanceSsh: {
      endpoint: () => endpoint,
      policy: { attempts: 5, firstDelayMs: 200, maxDelayMs: 2_000, readyTimeoutMs: 3_000, totalMs: 10_000 },
    },
  };
}
