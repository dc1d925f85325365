import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import { silentLogger } from '../core/logger';
import type { RunFixture } from '../runs/pipeline/testing/run-fixture';
import { RunService } from '../runs/run-service';
import { runCli } from './cli';
import { type CliRunFixture, createCliRunFixture } from './testing/cli-run-fixture';

let fixture: CliRunFixture;
let f: RunFixture;
let projectRoot: string;
beforeAll(async () => {
  fixture = await createCliRunFixture('cli');
  ({ f, projectRoot } = fixture);
}, 120_000);
afterAll(() => fixture?.cleanup());

async function cli(args: string[], dataDir = 'app-data'): Promise<{ code: number; events: RunEvent[]; err: string }> {
  const env = fixture.env({
    TRAINDECK_DATA_DIR: join(f.dir, dataDir),
    TRAINDECK_SSH_WORK_ROOT: join(f.dir, 'ssh-work'),
  });
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), env, projectRoot });
  return {
    code,
    err,
    events: out
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as RunEvent),
  };
}

async function writeConfig(name: string, patch?: Parameters<RunFixture['config']>[0]): Promise<string> {
  const path = join(f.dir, name);
  await writeFile(path, JSON.stringify(f.config(patch)));
  return path;
}

const reached = (events: RunEvent[]) =>
  events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase);

describe('traindeck run', () => {
  it('--backend local: the same executor on this computer in a temp folder, events as JSON lines', async () => {
    const config = await writeConfig('local.json', (raw) => (raw.training.env = { EPOCHS: '1' }));
    // Ceph has no STS: the store's own key would go as it is, so the first run asks for the flag and sends nothing.
    const refused = await cli(['run', '--config', config, '--backend', 'local', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.events.at(-1)).toMatchObject({
      type: 'finished',
      outcome: 'failed',
      reason: expect.stringMatching(
        /has no STS, so its own credentials \(access key \S+\) would be sent as they are to this computer \(a local run\); nothing was sent or uploaded/,
      ),
    });
    expect(reached(refused.events)).not.toContain('bootstrapping');
    const { code, events, err } = await cli([
      'run',
      '--config',
      config,
      '--backend',
      'local',
      '--send-store-credentials',
      '--json',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(events[0]).toMatchObject({ type: 'started', backend: 'local' });
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'succeeded', exitCode: 0 });
    expect(
      events.filter((e) => e.type === 'phase' && e.status === 'succeeded').map((e) => (e as { phase: string }).phase),
    ).toEqual([
      'preflight',
      'provisioning',
      'connecting',
      'bootstrapping',
      'checkout',
      'pulling',
      'verifying',
      'training',
      'pushing',
      'verifying-sync',
      'tearing-down',
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('--backend ssh-host with --host/--identity/--host-key; the run is listed from its journal afterwards', async () => {
    const args = [
      'run',
      '--config',
      await writeConfig('ssh.json', (raw) => (raw.training.env = { EPOCHS: '1' })),
      '--backend',
      'ssh-host',
      '--host',
      `${f.sshd.user}@127.0.0.1:${f.sshd.port}`,
      '--identity',
      f.userKeyFile,
      '--host-key',
      f.sshd.hostKeyFingerprint,
      '--json',
    ];
    // Another app data folder (another user of this computer): not confirmed there, so nothing reaches the host.
    const workRoot = join(f.dir, 'ssh-work');
    const before = existsSync(workRoot) ? readdirSync(workRoot) : [];
    const refused = await cli(args, 'app-data-unconfirmed');
    expect(refused.code).toBe(1);
    expect(refused.events.at(-1)?.type === 'finished' && refused.events.at(-1)).toMatchObject({
      reason: expect.stringContaining(`would be sent as they are to ${f.sshd.user}@127.0.0.1:${f.sshd.port}`),
    });
    expect(reached(refused.events)).not.toContain('connecting');
    expect(existsSync(workRoot) ? readdirSync(workRoot) : []).toEqual(before);
    // Here the local run's --send-store-credentials confirmed this store and key once: not asked again.
    const { code, events } = await cli(args);
    expect(code).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'finished', outcome: 'succeeded' });
    // A new process (the desktop app, say) finds the finished run in <data>/runs/<id>/events.jsonl.
    const later = new RunService({
      dataDir: join(f.dir, 'app-data'),
      emit: () => {},
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('unused')),
    });
    expect(later.get(events[0]!.runId)).toMatchObject({
      state: 'succeeded',
      backend: 'ssh-host',
      host: `${f.sshd.user}@127.0.0.1:${f.sshd.port}`,
      phases: { training: { status: 'succeeded' } },
    });
  });

  it('a failing run exits 1 and names the phase; bad usage exits 2', async () => {
    const failed = await cli([
      'run',
      '--config',
      await writeConfig('fail.json', (raw) => (raw.code.branch = 'nope')),
      '--backend',
      'local',
      '--json',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.events.at(-1)).toMatchObject({
      type: 'finished',
      outcome: 'failed',
      reason: expect.stringContaining('checkout: branch "nope" does not exist'),
    });
    const usage = await cli(['run', '--config', await writeConfig('no-host.json'), '--backend', 'ssh-host']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/needs --host user@host:port and --identity KEY, or an "sshHost" section/);
    const half = await cli(['run', '--config', 'x.json', '--host', 'u@h']);
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/--host and --identity go together/);
  });

  it('the built CLI (dist/cli + dist/executor, as shipped) runs on the ssh host', async () => {
    const built = resolve(import.meta.dirname, '..', '..', 'dist', 'cli', 'traindeck.mjs');
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
    const s3 = inject('s3');
    const config = await writeConfig('built.json', (raw) => (raw.training.env = { EPOCHS: '1' }));
    const child = spawnSync(
      process.execPath,
      [
        built,
        'run',
        '--config',
        config,
        '--backend',
        'ssh-host',
        '--host',
        `${f.sshd.user}@127.0.0.1:${f.sshd.port}`,
        '--identity',
        f.userKeyFile,
        '--host-key',
        f.sshd.hostKeyFingerprint,
        // Its own app data folder, so it does not lean on a consent an earlier case recorded.
        '--send-store-credentials',
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: f.dir,
          TRAINDECK_DATA_DIR: join(f.dir, 'built-app-data'),
          TRAINDECK_SSH_WORK_ROOT: join(f.dir, 'ssh-work'),
          AWS_ENDPOINT_URL_S3: s3.endpoint,
          AWS_ACCESS_KEY_ID: s3.accessKeyId,
          AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
          AWS_REGION: s3.region,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        encoding: 'utf8',
        timeout: 90_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/✓ checkout\n/);
    expect(child.stdout).toMatch(/ {2}\| .* line 4 epoch 1 step 4 loss 0\.996\n/);
    expect(child.stdout).toMatch(/Run .* succeeded \(training exit code 0\)\n$/);
  });
});
