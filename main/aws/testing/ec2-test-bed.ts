import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

import { type Sshd, startSshd } from '../../../e2e/services/sshd';
import { TAG_RUN_ID } from '../../../shared/domain/tags';
import type { SpotInterruption } from '../../../shared/monitor/health';
import { type SshProbe, tcpSshProbe } from '../../lifecycle/provision/ssh-probe';
import type { ConnectPolicy } from '../../ssh/ssh-connect';
import type { FakeAws } from '../fake/fake-aws';
import type { FakeInstance } from '../fake/fake-ec2-region';
import { SPOT_TERMINATION } from '../ports/ec2-types';
import { type FakeImds, startFakeImds } from './fake-imds';

/** The variable every process of a bed instance carries (its sessions get it from sshd's SetEnv). */
export const BED_INSTANCE_ENV = 'TRAINDECK_TEST_BED_INSTANCE';

/**
 * Why an aws-ec2 executor must not run on this machine, or undefined: it runs with --on-instance, and on
 * a machine booted by cloud-init (a CI runner on EC2) that arms a real power-off (power-off.ts, bootstrap.sh).
 * End-to-end tests of the aws-ec2 path skip with this sentence.
 */
export function onInstanceRefusal(): string | undefined {
  return existsSync('/var/lib/cloud/instance')
    ? 'this machine was booted by cloud-init: the aws-ec2 executor could power it off'
    : undefined;
}

/** Options of {@link startEc2TestBed}. */
export interface Ec2TestBedOptions {
  /** The account whose launches get a machine; the bed sets its `instanceHooks` (one bed per account). */
  fake: FakeAws;
  /** The instance role's keys each instance's IMDS serves (a test's S3 store keys: Ceph RGW has no STS). */
  instanceRoleCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** More environment for every session on an instance (sshd SetEnv), e.g. a webhook receiver's address. */
  instanceEnv?: Record<string, string>;
}

/** One launched instance of the bed and the machine behind it. */
export interface BedInstance {
  instanceId: string;
  region: string;
  zone: string;
  market: 'on-demand' | 'spot';
  /** The address the fake reports (TEST-NET, unroutable): the bed maps it to `sshPort` on 127.0.0.1. */
  publicIp: string;
  sshPort: number;
  /** The instance's sshd listener (stopped, with every process of the instance, at termination). */
  sshdPid: number;
  /** The fingerprint the fake's console output prints, as cloud-init does. */
  hostKeyFingerprint: string;
  /** Its IMDSv2 (`AWS_EC2_METADATA_SERVICE_ENDPOINT` of every session on it). */
  imdsBase: string;
  /** False once TerminateInstances (or a spot reclaim) stopped its machine. */
  up: boolean;
}

/** A running {@link startEc2TestBed}. */
export interface Ec2TestBed {
  fake: FakeAws;
  /** Every instance launched since the bed started, oldest first. */
  instances(): BedInstance[];
  instance(instanceId: string): BedInstance;
  /** For `LifecycleDeps.instanceSsh`: a fake public IP → its instance's sshd on loopback, with a short connect policy. */
  instanceSsh: { endpoint(publicIp: string): { host: string; port: number }; policy: ConnectPolicy };
  /** For `LifecycleDeps.probe`: port 22 of a fake public IP answers once its instance's sshd does. */
  probe: SshProbe;
  /**
   * AWS schedules the spot instance's end: its IMDS answers spot/instance-action with
   * `{ action, time }` (time = the fake clock's now + `inMs`, two minutes by default) from now on.
   */
  postSpotNotice(
    instanceId: string,
    notice?: {
      action?: 'terminate' | 'stop' | 'hibernate';
      inMs?: number;
      /** AWS then takes the instance ({@link Ec2TestBed.reclaim}) after this many real milliseconds. */
      reclaimAfterMs?: number;
    },
  ): SpotInterruption;
  /** AWS reclaims the instance now: it goes shutting-down (then terminated) and its machine stops, as TerminateInstances does. */
  reclaim(instanceId: string): Promise<void>;
  /** Launches whose machine could not start (sshd or IMDS failed): such an instance never answers SSH. */
  failures(): string[];
  /** Stops every instance's machine (by PID) and IMDS, and unhooks the account. */
  close(): Promise<void>;
}

const BED_CONNECT_POLICY: ConnectPolicy = {
  attempts: 5,
  firstDelayMs: 200,
  maxDelayMs: 2_000,
  readyTimeoutMs: 5_000,
  totalMs: 20_000,
};

/**
 * Gives every instance the fake account launches a machine on loopback: a real OpenSSH server on
 * its own port with its own host key (the fake's console output prints that key as cloud-init
 * does, so host-key pinning is real), the run's key pair authorized as cloud-init would, and its
 * own IMDSv2 (role keys, spot notices) that every session on it finds through the SDK's standard
 * `AWS_EC2_METADATA_SERVICE_ENDPOINT`. TerminateInstances (or {@link Ec2TestBed.reclaim}) is a power
 * loss: every process of the instance is killed by PID and its sshd stopped. Works with the fake's
 * ports in memory and behind `startAwsQueryServer` alike (the hooks are on the account). Linux only
 * (processes are found in /proc). See main/aws/testing/README.md.
 */
export async function startEc2TestBed(options: Ec2TestBedOptions): Promise<Ec2TestBed> {
  const { fake } = options;
  if (fake.instanceHooks) throw new Error('this fake account already has a test bed: close it first');
  const machines = new Map<string, { info: BedInstance; sshd: Sshd; imds: FakeImds }>();
  const byIp = new Map<string, string>();
  const stopping = new Set<Promise<void>>();
  const failures: string[] = [];
  let addresses = 0;
  // Every fake account numbers its instances alike (i-…03 in each), and test files run beside one
  // another: the marker of a power loss must name this bed's instance, never another file's.
  const bedToken = randomUUID().slice(0, 8);
  const markerOf = (instanceId: string) => `${bedToken}/${instanceId}`;

  const launched = async (region: string, instance: FakeInstance, publicKey: string | undefined) => {
    let imds: FakeImds | undefined;
    try {
      imds = await startFakeImds({
        instanceId: instance.id,
        zone: instance.zone,
        market: instance.market === 'spot' ? 'spot' : 'on-demand',
        roleCredentials: options.instanceRoleCredentials,
      });
      const env = {
        ...options.instanceEnv,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `${imds.base}/`,
        [BED_INSTANCE_ENV]: markerOf(instance.id),
      };
      const sshd = await startSshd({
        authorizedKeys: publicKey ?? '# launched without a key pair',
        // One SetEnv line: sshd keeps only the first.
        extraConfig: [
          `SetEnv ${Object.entries(env)
            .map(([name, value]) => `${name}=${value}`)
            .join(' ')}`,
        ],
      });
      addresses += 1;
      const publicIp = addresses < 255 ? `203.0.113.${addresses}` : `198.51.100.${addresses - 254}`;
      instance.publicIp = publicIp;
      instance.hostKeyFingerprints = [sshd.hostKeyFingerprint];
      const info: BedInstance = {
        instanceId: instance.id,
        region,
        zone: instance.zone,
        market: instance.market === 'spot' ? 'spot' : 'on-demand',
        publicIp,
        sshPort: sshd.port,
        sshdPid: sshd.pid,
        hostKeyFingerprint: sshd.hostKeyFingerprint,
        imdsBase: imds.base,
        up: true,
      };
      machines.set(instance.id, { info, sshd, imds });
      byIp.set(publicIp, instance.id);
    } catch (error) {
      await imds?.close();
      failures.push(`${instance.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const powerLoss = (instanceId: string) => {
    const machine = machines.get(instanceId);
    if (!machine?.info.up) return;
    machine.info.up = false;
    const done = (async () => {
      killInstanceProcesses(markerOf(instanceId), machine.sshd.pid);
      await machine.sshd.stop();
      await machine.imds.close();
    })();
    stopping.add(done);
    void done.finally(() => stopping.delete(done));
  };

  fake.instanceHooks = { launched, terminating: (_region, id) => powerLoss(id) };

  const find = (instanceId: string) => {
    const machine = machines.get(instanceId);
    if (!machine) throw new Error(`the test bed launched no instance ${instanceId}`);
    return machine;
  };
  // AWS takes the instance: shutting-down on the fake's clock, and a power loss of its machine.
  const reclaim = async (instanceId: string) => {
    const machine = find(instanceId);
    fake.region(machine.info.region).terminate(instanceId, fake.options.clock.now(), SPOT_TERMINATION);
    powerLoss(instanceId);
    await Promise.all([...stopping]);
  };
  const reclaims = new Set<NodeJS.Timeout>();
  const endpoint = (publicIp: string) => {
    const id = byIp.get(publicIp);
    return id ? { host: '127.0.0.1', port: machines.get(id)!.info.sshPort } : { host: publicIp, port: 22 };
  };

  return {
    fake,
    instances: () => [...machines.values()].map((m) => ({ ...m.info })),
    instance: (instanceId) => ({ ...find(instanceId).info }),
    instanceSsh: { endpoint, policy: BED_CONNECT_POLICY },
    probe: {
      sshBanner: async (host, port, probeOptions) => {
        const id = byIp.get(host);
        if (port !== 22 || !id || !machines.get(id)!.info.up) return undefined;
        return tcpSshProbe.sshBanner('127.0.0.1', machines.get(id)!.info.sshPort, probeOptions);
      },
    },
    postSpotNotice(instanceId, notice = {}) {
      const machine = find(instanceId);
      const posted = {
        action: notice.action ?? 'terminate',
        time: new Date(fake.options.clock.now() + (notice.inMs ?? 120_000)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      };
      machine.imds.state.spotAction = posted;
      if (notice.reclaimAfterMs !== undefined) {
        reclaims.add(setTimeout(() => void reclaim(instanceId), notice.reclaimAfterMs));
      }
      return posted;
    },
    reclaim,
    failures: () => [...failures],
    async close() {
      for (const timer of reclaims) clearTimeout(timer);
      for (const id of machines.keys()) powerLoss(id);
      await Promise.all([...stopping]);
      if (fake.instanceHooks?.terminating) fake.instanceHooks = undefined;
    },
  };
}

/**
 * What the fake account still holds of a run (tagged with its id), settled to now: instances not
 * terminated (`id state`), volumes, key pairs and security groups (ids). Empty once a teardown is done.
 */
export function leftOfRun(fake: FakeAws, runId: string): string[] {
  const left: string[] = [];
  for (const region of fake.regions.values()) {
    region.settle(fake.options.clock.now());
    for (const i of region.instances.values()) {
      if (i.tags[TAG_RUN_ID] === runId && i.state !== 'terminated') left.push(`${i.id} ${i.state}`);
    }
    for (const group of [region.volumes, region.keyPairs, region.securityGroups] as Array<
      Map<string, { id: string; tags: Record<string, string> }>
    >) {
      for (const r of group.values()) if (r.tags[TAG_RUN_ID] === runId) left.push(r.id);
    }
  }
  return left;
}

/**
 * A power loss of one instance: SIGKILL every process below its sshd listener (its sessions) and
 * every process carrying the instance's {@link BED_INSTANCE_ENV} (what a session left detached: the
 * executor, the training), found in /proc by PID. Nothing else on the machine is touched.
 */
function killInstanceProcesses(instanceMarker: string, sshdPid: number): void {
  const marker = Buffer.from(`${BED_INSTANCE_ENV}=${instanceMarker}\0`);
  const parents = new Map<number, number>();
  const marked: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (readFileSync(`/proc/${pid}/environ`).includes(marker)) marked.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  const below = new Set<number>();
  const visit = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent === pid && !below.has(child)) {
        below.add(child);
        visit(child);
      }
    }
  };
  visit(sshdPid);
  for (const pid of marked) {
    below.add(pid);
    visit(pid);
  }
  for (const pid of below) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
