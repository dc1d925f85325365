import type { RunConfig } from '../../shared/run-config/schema';
import { inspectAwsSetup } from '../aws/aws-config';
import type { AwsPorts } from '../aws/ports/aws-ports';
import type { ObjectStore } from '../aws/ports/object-store';
import { createSdkAwsPorts } from '../aws/sdk/sdk-aws-ports';
import { appDataDir } from '../core/app-paths';
import { type Clock, systemClock } from '../core/clock';
import { realSleep, type Sleep } from '../core/sleep';
import { APP_VERSION } from '../core/version';
import type { ConnectPolicy } from '../ssh/ssh-connect';
import type { KeyVault } from '../sync/key-vault';
import { openSync } from '../sync/open-sync';
import { createCheckIpPort, type PublicIpPort } from './preflight/public-ip';
import { type SshProbe, tcpSshProbe } from './provision/ssh-probe';

/** Which account and home region to talk to. */
export interface AwsTarget {
  profile?: string;
  region: string;
}

/** Everything the lifecycle services need from the outside world; the CLI, the app and tests each build one. */
export interface LifecycleDeps {
  ports(target: AwsTarget): AwsPorts;
  publicIp: PublicIpPort;
  probe: SshProbe;
  dataDir: string;
  clock: Clock;
  sleep: Sleep;
  env: NodeJS.ProcessEnv;
  /** Value of the `traindeck:created-by` tag. */
  createdBy: string;
  /**
   * How a run reaches its instance's sshd: port 22 of its public IP with the default connect
   * policy unless set (the fake account points its "instances" at a server on loopback).
   */
  instanceSsh?: { endpoint(publicIp: string): { host: string; port: number }; policy?: ConnectPolicy };
  /** The sync engine's store of a config's prefix (preflight's key identity and dataset checks); absent: not checked. */
  openStore?(loaded: { config: RunConfig; baseDir: string }, keyVault?: KeyVault): Promise<ObjectStore>;
}

/** The real world: SDK clients from the client factory, the system clock, TCP probes. */
export function defaultLifecycleDeps(env: NodeJS.ProcessEnv): LifecycleDeps {
  return {
    ports: (target) =>
      createSdkAwsPorts({ region: target.region, env, ...(target.profile ? { profile: target.profile } : {}) }),
    publicIp: createCheckIpPort(),
    probe: tcpSshProbe,
    dataDir: appDataDir(env),
    clock: systemClock,
    sleep: realSleep,
    env,
    createdBy: `traindeck/${APP_VERSION}`,
    openStore: async (loaded, keyVault) => (await openSync(loaded, { env, keyVault })).store,
  };
}

/** The home region when no run config names one: AWS_REGION, the profile's region, else us-east-1. */
export async function homeTarget(env: NodeJS.ProcessEnv, region?: string): Promise<AwsTarget> {
  const setup = await inspectAwsSetup(env);
  return { region: region ?? setup.region ?? 'us-east-1', ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}) };
}
