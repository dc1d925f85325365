import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import { type SshFault, type SshFaultServer, startSshFaultServer } from '../ssh/testing/ssh-fault-server';
import { buildCli } from './testing/build-cli';

// The headline scenario of issue 12, in a real process: `traindeck run --backend aws-ec2` against
// the in-memory EC2 (TRAINDECK_FAKE_AWS=1) whose instance's sshd is the fault server.
// Invariant: the process ends within a bound, non-zero, never with code 13 (an unsettled await),
// and its tearing-down phase verified that the instance is gone (the fake's rescan found nothing).

// The fake world tries SSH for 10 s in all; launch and teardown in the fake take seconds.
const PROCESS_LIMIT_MS = 90_000;

let dir: string;
let cli: string;
let server: SshFaultServer;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-run-faults-'));
  cli = await buildCli(dir);
  server = await startSshFaultServer('no-banner');
  writeFileSync(join(dir, 'sse.key'), Buffer.alloc(32, 9).toString('base64'));
  config = join(dir, 'run.json');
  writeFileSync(
    config,
    JSON.stringify({
      version: 1,
      name: 'faulty',
      aws: { region: 'eu-west-1' },
      storage: { bucket: 'acme-ml-data', prefix: 'team/faulty', sseKeyFile: 'sse.key' },
      compute: { instanceType: 'g5.xlarge', ttlMinutes: 60 },
      code: { repoUrl: 'https://github.com/acme/resnet.git', branch: 'main' },
      training: { command: 'python train.py' },
    }),
  );
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  dataDir: string;
}

/**
 * Runs the built CLI against the fake account with the fault server as the instance's sshd.
 * `during` sees the child once it printed `→ connecting` (to signal it, or close its stdout).
 */
function runCli(
  fault: SshFault,
  during?: (child: ReturnType<typeof spawn>) => void,
  args: string[] = ['--json'],
): Promise<Ended> {
  server.setFault(fault);
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const child = spawn(process.execPath, [cli, 'run', '--config', config, '--backend', 'aws-ec2', ...args], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      TRAINDECK_DATA_DIR: dataDir,
      TRAINDECK_FAKE_AWS: '1',
      TRAINDECK_FAKE_AWS_SSH: `${server.host}:${server.port}`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let seen = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!seen && /"phase":"connecting","status":"running"|→ connecting/.test(stdout)) {
      seen = true;
      during?.(child);
    }
  });
  child.stdout.on('error', () => undefined);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    // Past the bound the run counts as hung: killed, and reported as such by the assertions.
    const limit = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr, dataDir });
    });
  });
}

const eventsOf = (stdout: string): RunEvent[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RunEvent);

/** The run's journal of events (what the app and the next start read), for runs whose stdout was closed. */
function journalOf(dataDir: string): RunEvent[] {
  const [runId] = readdirSync(join(dataDir, 'runs'));
  return readFileSync(join(dataDir, 'runs', runId!, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent);
}

function phase(events: RunEvent[], name: string, status: string) {
  return events.find((e) => e.type === 'phase' && e.phase === name && e.status === status) as
    Extract<RunEvent, { type: 'phase' }> | undefined;
}

/** The teardown verified the instance gone: the fake's rescan found nothing of the run. */
function expectVerifiedTeardown(events: RunEvent[]) {
  expect(phase(events, 'tearing-down', 'succeeded')?.detail).toMatchObject({
    deleted: expect.any(Number),
    remainingHourlyUsd: 0,
  });
  expect((phase(events, 'tearing-down', 'succeeded')!.detail as { deleted: number }).deleted).toBeGreaterThan(0);
}

describe('traindeck run --backend aws-ec2 whose instance sshd misbehaves (real process)', () => {
  const faults: Array<[SshFault, RegExp]> = [
    ['close-after-banner', /closed the connection after its SSH banner/],
    ['stall-after-banner', /handshake stalled/],
    ['reset-mid-handshake', /reset the connection during the SSH handshake/],
    ['no-banner', /sent no SSH banner/],
    ['close-before-banner', /closed it without sending an SSH banner/],
  ];
  for (const [fault, reason] of faults) {
    it(`${String(fault)}: exits 1 (never 13) with the reason, after a verified teardown`, async () => {
      const ended = await runCli(fault);
      expect(ended.signal, 'the run hung and was killed').toBeNull();
      expect(ended.code).toBe(1);
      const events = eventsOf(ended.stdout);
      expect(phase(events, 'connecting', 'failed')?.reason).toMatch(reason);
      expectVerifiedTeardown(events);
      expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'failed' });
      expect(ended.stderr).not.toMatch(/Warning|EPIPE|at .*\.mjs/);
    }, 120_000);
  }
});

describe('signals and closed pipes (real process)', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} while connecting takes the graceful path: stop, teardown verified, exit 1, outcome cancelled`, async () => {
      const ended = await runCli('stall-after-banner', (child) => child.kill(signal));
      expect(ended.signal).toBeNull();
      expect(ended.code).toBe(1);
      expect(ended.stderr).toMatch(new RegExp(`${signal}: stopping run \\S+ gracefully`));
      const events = eventsOf(ended.stdout);
      expectVerifiedTeardown(events);
      expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'cancelled' });
    }, 120_000);
  }

  it('`| head` then Ctrl-C: stdout closed early, SIGINT: no EPIPE crash, the run still stops and tears down', async () => {
    const ended = await runCli(
      'stall-after-banner',
      (child) => {
        // What `head -n 3` does: read a little, then exit (its end of the pipe closes).
        child.stdout!.destroy();
        setTimeout(() => child.kill('SIGINT'), 200);
      },
      [],
    );
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(1);
    expect(ended.stderr).not.toMatch(/EPIPE|Error:|at .*\.mjs/);
    expect(ended.stderr).toMatch(/SIGINT: stopping run \S+ gracefully/);
    const journal = journalOf(ended.dataDir);
    expectVerifiedTeardown(journal);
    expect(journal.at(-1)).toMatchObject({ type: 'finished', outcome: 'cancelled' });
  }, 120_000);
});

// A real terminal: tmux runs `traindeck run … | head -n 3` in a shell, and Ctrl-C is typed, so the
// kernel sends SIGINT to the whole foreground group (the CLI and head) as it does for a person.
const TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!TMUX) console.warn('Skipping the tmux terminal test: tmux is not installed (apt-get install tmux).');
describe.skipIf(!TMUX)('in a real terminal (tmux)', () => {
  it('`traindeck run … | head -n 3`, then Ctrl-C typed: the run stops gracefully, tears down, exits 1', async () => {
    server.setFault('stall-after-banner');
    const dataDir = mkdtempSync(join(dir, 'tty-'));
    const session = `traindeck-ctrl-c-${process.pid}`;
    const env = [
      `HOME=${dir}`,
      `TRAINDECK_DATA_DIR=${dataDir}`,
      'TRAINDECK_FAKE_AWS=1',
      `TRAINDECK_FAKE_AWS_SSH=${server.host}:${server.port}`,
      'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true',
    ].join(' ');
    const done = join(dataDir, 'exit-code');
    const line = `cd ${dir} && env ${env} ${process.execPath} ${cli} run --config ${config} --backend aws-ec2 | head -n 3; echo \${PIPESTATUS[0]} > ${done}`;
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '200',
      '-y',
      '50',
      'bash',
      '--norc',
      '-c',
      `${line}; sleep 30`,
    ]);
    const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    try {
      // Wait until the run is in `connecting` (its journal says so; head has exited by then).
      const connecting = () => {
        try {
          return journalOf(dataDir).some((e) => e.type === 'phase' && e.phase === 'connecting');
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 300 && !connecting(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(connecting()).toBe(true);
      execFileSync('tmux', ['send-keys', '-t', session, 'C-c']);
      for (let i = 0; i < 600 && !existsSync(done); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(readFileSync(done, 'utf8').trim()).toBe('1');
      const text = screen();
      expect(text).toMatch(/SIGINT: stopping run \S+ gracefully/);
      expect(text).not.toMatch(/EPIPE|Error:/);
      const journal = journalOf(dataDir);
      expectVerifiedTeardown(journal);
      expect(journal.at(-1)).toMatchObject({ type: 'finished', outcome: 'cancelled' });
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  }, 120_000);
});
