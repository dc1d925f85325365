import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';

import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { generateKey } from '../../../e2e/services/sshd';
import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import { watchSpotInterruption } from '../../executor/spot-watch';
import { parseHostKeyFingerprints } from '../../lifecycle/provision/host-keys';
import { spotCheckCommand } from '../../monitor/spot-imds';
import { createSshConnector } from '../../ssh/ssh-remote-host';
import { FakeAws } from '../fake/fake-aws';
import { FAKE_TIMING } from '../fake/fake-ec2-region';
import type { AwsPorts } from '../ports/aws-ports';
import type { RunInstanceSpec } from '../ports/ec2-launch-port';
import { createSdkAwsPorts } from '../sdk/sdk-aws-ports';
import { type AwsQueryServer, startAwsQueryServer } from './aws-query-server';
import { BED_INSTANCE_ENV, type Ec2TestBed, startEc2TestBed } from './ec2-test-bed';
import { FakeClock } from './fake-clock';
import { startFakeImds } from './fake-imds';

// The test bed gives the fake's instances real machines on loopback. Invariants: an instance the
// fake launched answers SSH with the host key its console output prints, to its key pair only; its
// IMDS is IMDSv2 (no token, no answer) and posts a spot notice the executor's watch and the
// monitor's shell check both read; TerminateInstances is a power loss (every process of the
// instance killed by PID, its sshd stopped) and the instance reaches terminated. Capacity refusals
// planted per zone answer RunInstances with EC2's code, in memory and through the SDK alike.

const REGION = 'eu-west-1';
const tags = { [TAG_RUN_ID]: 'bed-1', [TAG_CREATED_BY]: 'traindeck/test' };
const dir = mkdtempSync(join(tmpdir(), 'traindeck-bed-test-'));
const runKey = generateKey(dir, 'run_key');
const otherKey = generateKey(dir, 'other_key');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let bed: Ec2TestBed | undefined;
let server: AwsQueryServer | undefined;
afterEach(async () => {
  await bed?.close();
  await server?.close();
  bed = undefined;
  server = undefined;
});

/** The creates a launch makes before RunInstances; returns a spec for `zone`. */
async function readyToLaunch(ports: AwsPorts, zone: string, market: 'on-demand' | 'spot' = 'on-demand') {
  const ec2 = ports.ec2(REGION);
  const network = (await ec2.defaultNetwork())!;
  await ports.instanceRole.ensureInstanceProfile({
    roleName: 'role',
    profileName: 'profile',
    policyName: 'p',
    policyDocument: '{}',
    description: 'd',
    tags,
  });
  if ((await ec2.listOurKeyPairs()).length === 0) {
    await ec2.importKeyPair({ name: 'kp', publicKey: runKey.publicKey, tags });
  }
  const groups = await ec2.listOurSecurityGroups();
  const group =
    groups[0]?.id ?? (await ec2.createSecurityGroup({ name: 'sg', description: 'd', vpcId: network.vpcId, tags }));
  const spec: RunInstanceSpec = {
    clientToken: `token-${zone}-${market}-${Math.random()}`,
    imageId: 'ami-0a12023000000086',
    instanceType: 't3.micro',
    keyName: 'kp',
    securityGroupId: group,
    subnetId: `subnet-${zone}`,
    instanceProfileName: 'profile',
    rootDeviceName: '/dev/xvda',
    extraEbsDeviceNames: [],
    diskGb: 30,
    market,
    userData: '#!/bin/sh\n',
    tags,
  };
  return { ec2, spec };
}

/** Polls `check` every 50 ms for at most `limitMs` (real processes take a moment to die). */
async function eventually(check: () => boolean, limitMs = 5_000): Promise<boolean> {
  for (const until = Date.now() + limitMs; Date.now() < until; await delay(50)) if (check()) return true;
  return check();
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

describe('the EC2 test bed: instances that answer SSH, IMDSv2 and power loss', () => {
  it('launch → real sshd pinned by the console host key, the key pair only; terminate → every process killed, terminated', async () => {
    const clock = new FakeClock();
    const fake = new FakeAws({ clock, regions: [REGION] });
    bed = await startEc2TestBed({ fake, instanceRoleCredentials: { accessKeyId: 'AKIDBED', secretAccessKey: 's' } });
    const { ec2, spec } = await readyToLaunch(fake.ports(), `${REGION}a`);
    const id = await ec2.runInstance(spec);
    const machine = bed.instance(id);
    expect(machine).toMatchObject({ zone: `${REGION}a`, market: 'on-demand', up: true });
    expect((await ec2.describeInstance(id))?.publicIp).toBe(machine.publicIp);
    expect(bed.instanceSsh.endpoint(machine.publicIp)).toEqual({ host: '127.0.0.1', port: machine.sshPort });
    expect(await bed.probe.sshBanner(machine.publicIp, 22)).toMatch(/^SSH-2\.0-OpenSSH/);
    expect(await bed.probe.sshBanner('203.0.113.250', 22)).toBeUndefined();

    // The host key appears in the console once the instance booted, in cloud-init's block.
    expect(await ec2.consoleOutput(id)).toBeUndefined();
    clock.advance(FAKE_TIMING.pendingMs + FAKE_TIMING.consoleMs);
    const pinned = parseHostKeyFingerprints((await ec2.consoleOutput(id)) ?? '');
    expect(pinned).toEqual([machine.hostKeyFingerprint]);

    // As the backend connects: the endpoint the bed maps the public IP to, the run's key, the console's pin.
    const connector = (privateKeyFile: string, expected: string[], attempts?: number) =>
      createSshConnector(
        {
          ...bed!.instanceSsh.endpoint(machine.publicIp),
          username: userInfo().username,
          privateKey: readFileSync(privateKeyFile),
        },
        { expected },
        { ...bed!.instanceSsh.policy, ...(attempts ? { attempts } : {}) },
      );
    const host = await connector(runKey.privateKeyFile, pinned).connect();
    const env = await host.exec(`echo "$AWS_EC2_METADATA_SERVICE_ENDPOINT $${BED_INSTANCE_ENV}"`);
    // The marker names this bed too: fake accounts number instances alike, and bed files run side by side.
    const [imdsEnv, marker] = env.stdout.trim().split(' ');
    expect(imdsEnv).toBe(`${machine.imdsBase}/`);
    expect(marker).toMatch(new RegExp(`^[0-9a-f]{8}/${id}$`));
    // A process the instance left running on its own (as the detached executor is).
    const started = await host.exec('setsid sleep 300 >/dev/null 2>&1 < /dev/null & echo $!');
    const detached = Number(started.stdout.trim());
    expect(alive(detached)).toBe(true);

    // Another key, or another host key, is refused.
    await expect(connector(otherKey.privateKeyFile, pinned, 1).connect()).rejects.toThrow();
    await expect(connector(runKey.privateKeyFile, ['SHA256:not-this-one'], 1).connect()).rejects.toThrow();

    await ec2.terminateInstances([id]);
    expect(await eventually(() => !alive(detached) && !alive(machine.sshdPid))).toBe(true);
    expect(bed.instance(id).up).toBe(false);
    expect(await bed.probe.sshBanner(machine.publicIp, 22)).toBeUndefined();
    await host.close();
    expect((await ec2.describeInstance(id))?.state).toBe('shutting-down');
    clock.advance(FAKE_TIMING.shuttingDownMs);
    expect((await ec2.describeInstance(id))?.state).toBe('terminated');
    expect(bed.failures()).toEqual([]);
  });

  it("posts a spot notice on the instance's IMDSv2: the executor's watch and the monitor's shell check read it", async () => {
    const clock = new FakeClock(Date.parse('2026-12-05T10:00:00Z'));
    const fake = new FakeAws({ clock, regions: [REGION] });
    bed = await startEc2TestBed({ fake });
    const { ec2, spec } = await readyToLaunch(fake.ports(), `${REGION}b`, 'spot');
    const id = await ec2.runInstance(spec);
    const machine = bed.instance(id);
    expect(machine.market).toBe('spot');

    const controller = new AbortController();
    const heard: unknown[] = [];
    const watching = watchSpotInterruption({
      imdsBase: machine.imdsBase,
      intervalMs: 50,
      signal: controller.signal,
      onInterruption: (notice) => heard.push(notice),
    });
    // The monitor's check as the run's shell on the instance runs it (sshd's SetEnv gives the variable).
    // (Never a sync child: the IMDS answers from this process's event loop.)
    const shellCheck = async () =>
      (
        await promisify(execFile)('sh', ['-c', spotCheckCommand()], {
          env: { PATH: process.env.PATH, AWS_EC2_METADATA_SERVICE_ENDPOINT: `${machine.imdsBase}/` },
          encoding: 'utf8',
        })
      ).stdout;
    expect((await shellCheck()).trim().split('\n').at(-1)).toBe('404');
    await delay(200);
    expect(heard).toEqual([]);
    const notice = bed.postSpotNotice(id);
    expect(notice).toEqual({ action: 'terminate', time: '2026-12-05T10:02:00Z' });
    expect(await watching).toEqual(notice);
    expect(heard).toEqual([notice]);
    expect(JSON.parse((await shellCheck()).trim().split('\n')[0]!)).toEqual(notice);
    controller.abort();

    // AWS reclaims it: the machine goes as at TerminateInstances.
    await bed.reclaim(id);
    expect(alive(machine.sshdPid)).toBe(false);
    expect((await ec2.describeInstance(id))?.state).toBe('shutting-down');
  });

  it('a notice with reclaimAfterMs: AWS takes the instance that long after the notice', async () => {
    const fake = new FakeAws({ clock: new FakeClock(), regions: [REGION] });
    bed = await startEc2TestBed({ fake });
    const { ec2, spec } = await readyToLaunch(fake.ports(), `${REGION}c`, 'spot');
    const id = await ec2.runInstance(spec);
    bed.postSpotNotice(id, { reclaimAfterMs: 100 });
    expect(bed.instance(id).up).toBe(true);
    expect(await eventually(() => !bed!.instance(id).up && !alive(bed!.instance(id).sshdPid))).toBe(true);
    expect((await ec2.describeInstance(id))?.state).toBe('shutting-down');
  });

  it('IMDSv2 only: no token (or a made-up one) is 401, a token PUT needs its TTL header', async () => {
    const imds = await startFakeImds({
      instanceId: 'i-1',
      roleCredentials: { accessKeyId: 'A', secretAccessKey: 'S' },
    });
    try {
      const get = (path: string, token?: string) =>
        fetch(`${imds.base}${path}`, token ? { headers: { 'x-aws-ec2-metadata-token': token } } : {});
      expect((await get('/latest/meta-data/instance-id')).status).toBe(401);
      expect((await get('/latest/meta-data/instance-id', 'made-up')).status).toBe(401);
      expect((await fetch(`${imds.base}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
      const token = await (
        await fetch(`${imds.base}/latest/api/token`, {
          method: 'PUT',
          headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
        })
      ).text();
      expect(await (await get('/latest/meta-data/instance-id', token)).text()).toBe('i-1');
      expect((await get('/latest/meta-data/spot/instance-action', token)).status).toBe(404);
      const role = await (await get('/latest/meta-data/iam/security-credentials/', token)).text();
      const keys = JSON.parse(await (await get(`/latest/meta-data/iam/security-credentials/${role}`, token)).text());
      expect(keys).toMatchObject({ Code: 'Success', AccessKeyId: 'A', SecretAccessKey: 'S' });
    } finally {
      await imds.close();
    }
  });
});

describe('capacity refusals per zone (region.launchRefusals) reach the SDK as EC2 sends them', () => {
  const sdkPorts = (server: AwsQueryServer) =>
    createSdkAwsPorts({
      region: REGION,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      maxAttempts: 1,
      env: {},
      endpoints: server.endpoints(),
    });

  for (const over of ['memory', 'the SDK over HTTP'] as const) {
    it(`a refused zone answers RunInstances with EC2's code and words; the others launch (${over})`, async () => {
      const fake = new FakeAws({ clock: new FakeClock(), regions: [REGION] });
      if (over !== 'memory') server = await startAwsQueryServer({ fake });
      const ports = server ? sdkPorts(server) : fake.ports();
      fake
        .region(REGION)
        .launchRefusals.push(
          { zone: `${REGION}a`, code: 'InsufficientInstanceCapacity' },
          { zone: `${REGION}b`, instanceType: 't3.micro', code: 'Unsupported' },
          { zone: `${REGION}c`, market: 'spot', code: 'UnfulfillableCapacity' },
        );
      const refusal = async (zone: string, market: 'on-demand' | 'spot' = 'on-demand') => {
        const { ec2, spec } = await readyToLaunch(ports, zone, market);
        return ec2.runInstance(spec).then(
          (id) => `launched ${id.slice(0, 2)}`,
          (error: Error) => `${error.name}: ${error.message}`,
        );
      };
      expect(await refusal(`${REGION}a`)).toMatch(
        /^InsufficientInstanceCapacity: We currently do not have sufficient t3\.micro capacity in the Availability Zone you requested \(eu-west-1a\)\./,
      );
      expect(await refusal(`${REGION}b`)).toMatch(
        /^Unsupported: Your requested instance type \(t3\.micro\) is not supported in your requested Availability Zone \(eu-west-1b\)/,
      );
      expect(await refusal(`${REGION}c`, 'spot')).toMatch(/^UnfulfillableCapacity: /);
      expect(await refusal(`${REGION}c`)).toBe('launched i-');
      // Nothing was created by a refused launch; the zones stay offered (EC2 lists them too).
      expect((await ports.ec2(REGION).listInstances()).length).toBe(1);
      expect(await ports.ec2(REGION).offeredZones('t3.micro')).toEqual([`${REGION}a`, `${REGION}b`, `${REGION}c`]);
      fake.region(REGION).launchRefusals = [];
      expect(await refusal(`${REGION}a`)).toBe('launched i-');
    });
  }
});
