import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RunEvent, RunPhase } from '../../../shared/domain/run';
import { buildCli } from '../../cli/testing/build-cli';
import { createRunFixture, type RunFixture } from '../pipeline/testing/run-fixture';

// Fault-injection harness (d): `kill -9` of the CLI at each phase of an ssh-host run (real sshd,
// real Ceph RGW, the real executor), then a restart. Invariant: the next start finds the run, and
// ONE command (`traindeck reattach RUN`) leaves nothing going on: an executor that had started
// finished, pushed (its per-run train.log is in S3) and the run is finished in its events; one
// that had not started never will.

const PHASES: RunPhase[] = [
  'preflight',
  'connecting',
  'bootstrapping',
  'checkout',
  'pulling',
  'training',
  'pushing',
  'verifying-sync',
  'tearing-down',
];
const PROCESS_LIMIT_MS = 60_000;

let f: RunFixture;
let cli: string;
let config: string;
beforeAll(async () => {
  f = await createRunFixture('kill9');
  const project = join(f.dir, 'project');
  await mkdir(join(project, 'dist'), { recursive: true });
  symlinkSync(f.bundleDir, join(project, 'dist', 'executor'));
  cli = await buildCli(project);
  config = join(f.dir, 'kill9.json');
  const raw = f.config((r) => (r.training.env = { EPOCHS: '2', LINES_PER_EPOCH: '5', STEP_SLEEP: '0.2' }));
  writeFileSync(
    config,
    JSON.stringify({
      ...raw,
      sshHost: {
        address: `${f.sshd.user}@127.0.0.1:${f.sshd.port}`,
        identityFile: f.userKeyFile,
        hostKeyFingerprint: f.sshd.hostKeyFingerprint,
      },
    }),
  );
}, 120_000);
afterAll(() => f?.cleanup());

function env(dataDir: string): NodeJS.ProcessEnv {
  const s3 = inject('s3');
  return {
    PATH: process.env.PATH,
    HOME: f.dir,
    TRAINDECK_DATA_DIR: dataDir,
    TRAINDECK_SSH_WORK_ROOT: join(f.dir, 'remote-work'),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
  };
}

/** `traindeck run`, killed with SIGKILL as soon as it reports `phase` running; resolves with the run id. */
function runAndKill(dataDir: string, phase: RunPhase): Promise<{ runId: string; killedAt: RunPhase | 'end' }> {
  return new Promise((resolve, reject) => {
    // Ceph has no STS: its own key goes to the host, confirmed once per data folder (the reattach finds it remembered).
    const child = spawn(process.execPath, [cli, 'run', '--config', config, '--send-store-credentials', '--json'], {
      env: env(dataDir),
    });
    let runId = '';
    let buffer = '';
    let killedAt: RunPhase | 'end' = 'end';
    const limit = setTimeout(() => child.kill('SIGKILL'), PROCESS_LIMIT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line) as RunEvent;
        runId ||= event.runId;
        if (killedAt === 'end' && event.type === 'phase' && event.phase === phase && event.status === 'running') {
          killedAt = phase;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(limit);
      if (!runId) reject(new Error('the run printed no event'));
      else resolve({ runId, killedAt });
    });
  });
}

function reattach(dataDir: string, runId: string) {
  const result = spawnSync(process.execPath, [cli, 'reattach', runId, '--json'], {
    env: env(dataDir),
    timeout: PROCESS_LIMIT_MS,
    encoding: 'utf8',
  });
  const events = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RunEvent);
  return { code: result.status, events, stderr: result.stderr };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('kill -9 of `traindeck run` at each phase, then `traindeck reattach RUN`', () => {
  for (const phase of PHASES) {
    it(`killed in ${phase}: one reattach ends the run; an executor that started finished and pushed`, async () => {
      const dataDir = join(f.dir, `data-${phase}`);
      const { runId, killedAt } = await runAndKill(dataDir, phase);
      expect(killedAt).toBe(phase);
      const eventsFile = join(dataDir, 'runs', runId, 'events.jsonl');
      if (readFileSync(eventsFile, 'utf8').includes('"type":"finished"')) {
        // The kill came after the end (an ssh-host teardown takes a millisecond): nothing is unfinished.
        expect(reattach(dataDir, runId).stderr).toMatch(/No unfinished run/);
        return;
      }
      const after = reattach(dataDir, runId);
      expect(after.stderr).not.toMatch(/TypeError|ReferenceError/);
      const finished = after.events.find((e) => e.type === 'finished');
      expect(finished, after.stderr).toBeDefined();
      // The events on disk end with the reattach's `finished`: the next start lists nothing unfinished.
      const onDisk = readFileSync(join(dataDir, 'runs', runId, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(JSON.parse(onDisk.at(-1)!)).toMatchObject({ type: 'finished' });
      expect(reattach(dataDir, runId).stderr).toMatch(/No unfinished run/);

      const work = join(f.dir, 'remote-work', runId);
      const pidFile = join(work, 'executor.pid');
      if (existsSync(pidFile)) {
        // The executor started: it finished (no process left within a bounded time: it writes status.json,
        // which ends the reattach's wait, a moment before it exits), pushed, and the reattach verified it.
        const pid = Number(readFileSync(pidFile, 'utf8'));
        for (let waited = 0; alive(pid) && waited < 15_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
        expect(alive(pid), 'the executor still runs 15 s after the reattach ended').toBe(false);
        expect(finished).toMatchObject({ outcome: 'succeeded' });
        expect(after.code).toBe(0);
        expect(await f.fx.keys()).toContain(`runs/test/logs/${runId}/train.log`);
        const phases = after.events.filter((e) => e.type === 'phase');
        expect(phases).toContainEqual(expect.objectContaining({ phase: 'verifying-sync', status: 'succeeded' }));
        expect(phases).toContainEqual(expect.objectContaining({ phase: 'tearing-down', status: 'succeeded' }));
      } else {
        // Killed before the executor started: nothing trains, the run is closed as failed.
        expect(finished).toMatchObject({ outcome: 'failed' });
      }
    });
  }
});
