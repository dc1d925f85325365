import { spawn } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { type Sshd, startSshd } from '../../../e2e/services/sshd';
import type { RunEvent, RunPhase } from '../../../shared/domain/run';
import { TAG_RUN_ID } from '../../../shared/domain/tags';
import { type AwsQueryServer, startAwsQueryServer } from '../../aws/testing/aws-query-server';
import { leftOfRun, onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { buildCli } from '../../cli/testing/build-cli';
import { fakeAwsCliEnv } from '../../cli/testing/fake-aws-cli-env';
import { type SshFaultServer, startSshFaultServer } from '../../ssh/testing/ssh-fault-server';
import { createRunFixture, type RunFixture } from '../pipeline/testing/run-fixture';

// `traindeck run --backend aws-ec2` as a user runs it, every part real but EC2: the built CLI
// and the SDK over HTTP to the stateful EC2 fake (its account in a state file, so it outlives
// the CLI), the instance a real sshd on port 22 of its own loopback address (the host key in
// the fake's console output, the run's key pair authorized at launch as cloud-init does), the
// executor on it with the instance role's keys from the fake's IMDS, Ceph RGW for S3.
// Invariants: a whole run ends at $0/h with a true report (the fake holds nothing of the run but
// terminated instances); a kill -9 of the CLI at any aws-ec2 phase is ended by ONE
// `traindeck reattach RUN`, after which the scan over the HTTP fake finds nothing running.

const PROCESS_LIMIT_MS = 150_000;
// SAFETY: the aws-ec2 executor is started with --on-instance; on a cloud-init machine (a CI runner
// on EC2) its power-off would be armed for real. Port 22 of a loopback address needs root.
const refusal =
  onInstanceRefusal() ?? (process.getuid?.() !== 0 ? 'binding port 22 of a loopback address needs root' : undefined);
if (refusal) console.warn(`ec2-http-run.slow.test.ts skipped: ${refusal}.`);

const octet = () => 2 + Math.floor(Math.random() * 250);
const direct = `127.${octet()}.${octet()}.${octet()}`;
const slow = `127.${octet()}.${octet()}.${octet()}`;

let f: RunFixture;
let cli: string;
let config: string;
let server: AwsQueryServer;
let instance: Sshd;
let slowLink: SshFaultServer;
const runIds: string[] = [];

beforeAll(async () => {
  if (refusal) return;
  const s3 = inject('s3');
  f = await createRunFixture('ec2http');
  const project = join(f.dir, 'project');
  await mkdir(join(project, 'dist'), { recursive: true });
  symlinkSync(f.bundleDir, join(project, 'dist', 'executor'));
  cli = await buildCli(project);
  server = await startAwsQueryServer({
    regions: [s3.region],
    stateFile: join(f.dir, 'account.json'),
    timeScale: 100,
    instanceRoleCredentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  instance = await startSshd({
    authorizedKeys: '# the run key pairs follow (appended at launch)',
    extraConfig: [`ListenAddress ${direct}:22`, `SetEnv AWS_EC2_METADATA_SERVICE_ENDPOINT=${server.endpoint}/`],
  });
  slowLink = await startSshFaultServer(
    { kind: 'relay', upstreamPort: instance.port, delayMs: 150 },
    { host: slow, port: 22 },
  );
  config = join(f.dir, 'ec2.json');
  const raw = f.config((r) => {
    r.training.env = { EPOCHS: '2', LINES_PER_EPOCH: '5', STEP_SLEEP: '0.3' };
    r.compute = {
      instanceType: 't3.micro',
      diskGb: 30,
      ttlMinutes: 60,
      sshUser: instance.user,
      allowedSshCidr: '127.0.0.1/32',
      shutdownAfterPush: true,
    };
  });
  writeFileSync(config, JSON.stringify(raw));
}, 180_000);

afterAll(async () => {
  if (refusal) return;
  await slowLink?.close();
  await instance?.stop();
  await server?.close();
  for (const runId of runIds) rmSync(join('/var/tmp/traindeck', runId), { recursive: true, force: true });
  await f?.cleanup();
});

const env = (dataDir: string) => fakeAwsCliEnv({ home: f.dir, dataDir, server });

interface Ended {
  code: number | null;
  runId: string;
  events: RunEvent[];
  stderr: string;
  killedAt?: RunPhase;
}

/** `traindeck run --backend aws-ec2 --json`, killed with SIGKILL once it reports `killAt` running (provisioning: once the instance exists). */
function run(dataDir: string, killAt?: RunPhase): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'run', '--config', config, '--backend', 'aws-ec2', '--json'], {
      env: env(dataDir),
    });
    const events: RunEvent[] = [];
    let buffer = '';
    let stderr = '';
    let killedAt: RunPhase | undefined;
    const limit = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.startsWith('{'))) {
        const event = JSON.parse(line) as RunEvent;
        events.push(event);
        // In provisioning: once the instance exists (waiting for it to run), so the kill leaves resources in flight.
        const inFlight = killAt !== 'provisioning' || (event.type === 'phase' && event.detail?.step === 'running');
        if (!killedAt && event.type === 'phase' && event.phase === killAt && event.status === 'running' && inFlight) {
          killedAt = killAt;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(limit);
      const runId = events[0]?.runId;
      if (!runId) return reject(new Error(`the run printed no event: ${stderr}`));
      runIds.push(runId);
      resolve({ code, runId, events, stderr, ...(killedAt ? { killedAt } : {}) });
    });
  });
}

/** Runs the CLI to its end. Never spawnSync: the HTTP fake answers from this process's event loop. */
function cliRun(dataDir: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: env(dataDir) });
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(limit);
      resolve({ status, stdout, stderr });
    });
  });
}

async function reattach(dataDir: string, runId: string) {
  const result = await cliRun(dataDir, ['reattach', runId, '--json']);
  const events = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunEvent);
  return { code: result.status, events, stderr: result.stderr };
}

/** What the scan over the HTTP fake finds of a run (the CLI's own scanner, SDK over HTTP). */
async function scanFor(dataDir: string, runId: string): Promise<{ regionsOk: boolean; found: unknown[] }> {
  const result = await cliRun(dataDir, ['scan', '--json']);
  const scan = JSON.parse(result.stdout) as {
    regions: Array<{ status: string }>;
    resources: Array<{ tags?: Record<string, string>; runId?: string; state?: string }>;
  };
  const found = scan.resources.filter((r) => r.runId === runId || r.tags?.[TAG_RUN_ID] === runId);
  return { regionsOk: scan.regions.every((r) => r.status === 'ok'), found };
}

/** The run's resources in the fake's saved state, other than terminated instances. */
function leftInAccount(runId: string): string[] {
  expect(readFileSync(join(f.dir, 'account.json'), 'utf8')).toContain(runId);
  return leftOfRun(server.fake, runId);
}

/** Instances launched from now on answer SSH at `address` (the sshd itself, or the slow link to it). */
const instancesAnswerAt = (address: string) =>
  server.setInstanceSsh({
    address,
    hostKeyFingerprint: instance.hostKeyFingerprint,
    authorizedKeysFile: join(instance.dir, 'authorized_keys'),
  });

/** What a failed assertion shows: stderr and every phase and error event. */
const story = (ended: Ended) =>
  [ended.stderr, ...ended.events.filter((e) => e.type !== 'log').map((e) => JSON.stringify(e).slice(0, 400))].join(
    '\n',
  );

const phaseEvent = (events: RunEvent[], phase: RunPhase, status: string) =>
  events.find((e) => e.type === 'phase' && e.phase === phase && e.status === status);

describe.skipIf(refusal)(
  'traindeck run --backend aws-ec2 against the HTTP fake, a real sshd and Ceph RGW',
  { timeout: 300_000 },
  () => {
    it('a whole run trains, pushes, verifies and tears down to $0/h with a true report', async () => {
      instancesAnswerAt(direct);
      const dataDir = join(f.dir, 'data-whole');
      const ended = await run(dataDir);
      expect(ended.code, story(ended)).toBe(0);
      expect(ended.events.find((e) => e.type === 'finished')).toMatchObject({ outcome: 'succeeded' });
      for (const phase of ['provisioning', 'connecting', 'training', 'pushing', 'verifying-sync', 'tearing-down']) {
        expect(phaseEvent(ended.events, phase as RunPhase, 'succeeded'), phase).toBeDefined();
      }
      expect(await f.fx.keys()).toContain(`runs/test/logs/${ended.runId}/train.log`);
      expect(server.calls()).toEqual(
        expect.arrayContaining(['RunInstances', 'GetConsoleOutput', 'TerminateInstances']),
      );
      expect(leftInAccount(ended.runId)).toEqual([]);
      expect(await scanFor(dataDir, ended.runId)).toEqual({ regionsOk: true, found: [] });
    });

    it('the same whole run over an SSH link that answers slowly (every chunk 150 ms late) ends the same way', async () => {
      instancesAnswerAt(slow);
      const dataDir = join(f.dir, 'data-slow');
      const before = slowLink.connections;
      const ended = await run(dataDir);
      expect(ended.code, story(ended)).toBe(0);
      expect(slowLink.connections).toBeGreaterThan(before);
      expect(ended.events.find((e) => e.type === 'finished')).toMatchObject({ outcome: 'succeeded' });
      expect(phaseEvent(ended.events, 'tearing-down', 'succeeded')).toBeDefined();
      expect(leftInAccount(ended.runId)).toEqual([]);
    });

    const KILL_PHASES: RunPhase[] = [
      'provisioning',
      'connecting',
      'bootstrapping',
      'training',
      'pushing',
      'tearing-down',
    ];
    for (const phase of KILL_PHASES) {
      it(`kill -9 in ${phase}, then one \`traindeck reattach RUN\`: the scan finds nothing, the run is finished`, async () => {
        instancesAnswerAt(direct);
        const dataDir = join(f.dir, `data-kill-${phase}`);
        const killed = await run(dataDir, phase);
        expect(killed.killedAt, killed.stderr).toBe(phase);
        const after = await reattach(dataDir, killed.runId);
        expect(after.stderr).not.toMatch(/TypeError|ReferenceError/);
        const finished = after.events.find((e) => e.type === 'finished');
        expect(finished, after.stderr).toBeDefined();
        const onDisk = readFileSync(join(dataDir, 'runs', killed.runId, 'events.jsonl'), 'utf8')
          .trim()
          .split('\n');
        expect(JSON.parse(onDisk.at(-1)!)).toMatchObject({ type: 'finished' });
        expect((await reattach(dataDir, killed.runId)).stderr).toMatch(/No unfinished run/);
        expect(leftInAccount(killed.runId)).toEqual([]);
        expect(await scanFor(dataDir, killed.runId)).toEqual({ regionsOk: true, found: [] });
      });
    }
  },
);
