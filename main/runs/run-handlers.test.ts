import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyRunEvent, type RunEvent, type RunSnapshot } from '../../shared/domain/run';
import { TypedError } from '../../shared/ipc/result';
import type { RunConfig } from '../../shared/run-config/schema';
import { createCore } from '../composition/create-core';
import { silentLogger } from '../core/logger';
import { createRouter } from '../core/router';
import { yesTrustGate } from '../trust/testing/yes-trust-gate';
import { runHandlers } from './run-handlers';
import type { RunService, StartRunRequest } from './run-service';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-run-handlers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runs.* through the router (both transports use this)', () => {
  it('runs.start returns an id at once; runs.event streams; runs.get + newer events = the final snapshot; runs.list has it', async () => {
    const core = createCore({
      trust: yesTrustGate(),
      transport: 'web',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: dir,
      env: { TRAINDECK_DATA_DIR: join(dir, 'data') },
    });
    const events: RunEvent[] = [];
    core.bus.on('runs.event', (event) => events.push(event));
    const config: RunConfig = {
      version: 1,
      aws: { region: 'eu-west-1' },
      storage: {
        bucket: 'td-data',
        prefix: 'p',
        sseKeyFile: join(dir, 'no-such.key'),
        localRoot: join(dir, 'local'),
        folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
      },
      code: { repoUrl: 'https://github.com/acme/train.git', branch: 'main', overrides: [] },
      training: { command: 'python train.py', env: {}, graceSeconds: 5, diskReserveMb: 0, maxRuntimeMinutes: 60 },
    };
    const started = await core.router.handle('runs.start', { config, backend: 'local' }, { transport: 'in-process' });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { runId } = started.value as { runId: string };
    const early = await core.router.handle('runs.get', { runId }, { transport: 'in-process' });
    if (!early.ok) throw new Error('runs.get failed');
    await core.runs.wait(runId);
    const snapshot = early.value as RunSnapshot;
    const caughtUp = events.filter((e) => e.seq > snapshot.lastSeq).reduce<RunSnapshot>(applyRunEvent, snapshot);
    expect(caughtUp.state).toBe('failed');
    expect(caughtUp.phases.preflight.reason).toMatch(/no-such\.key does not exist/);
    const listed = await core.router.handle('runs.list', {}, { transport: 'in-process' });
    expect(listed.ok && (listed.value as RunSnapshot[]).map((r) => r.runId)).toEqual([runId]);
    expect(await core.router.handle('runs.cancel', { runId }, { transport: 'in-process' })).toEqual({
      ok: true,
      value: { cancelled: false },
    });
  });

  it('runs.retry starts a new run with the recorded settings, asking the trust gate again; refused, nothing starts', async () => {
    const asked: unknown[] = [];
    let refuse = false;
    const gate = {
      ...yesTrustGate(),
      confirmRun: async (exposure: unknown) => {
        asked.push(exposure);
        if (refuse) throw new TypedError('FORBIDDEN', 'The user said no.');
      },
    };
    const dataDir = join(dir, 'data-retry');
    const core = createCore({
      trust: gate,
      transport: 'web',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: dir,
      env: { TRAINDECK_DATA_DIR: dataDir },
    });
    const sender = { transport: 'in-process' } as const;
    const config: RunConfig = {
      version: 1,
      name: 'resnet-retry',
      aws: { region: 'eu-west-1' },
      storage: {
        bucket: 'td-data',
        prefix: 'p',
        sseKeyFile: '~/no-such-retry.key',
        localRoot: join(dir, 'local'),
        folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
      },
      code: { repoUrl: 'https://github.com/acme/train.git', branch: 'main', overrides: [] },
      training: { command: 'python train.py', env: {}, graceSeconds: 5, diskReserveMb: 0, maxRuntimeMinutes: 60 },
    };
    const first = await core.router.handle('runs.start', { config, backend: 'local' }, sender);
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const firstId = (first.value as { runId: string }).runId;
    await core.runs.wait(firstId);

    const again = await core.router.handle('runs.retry', { runId: firstId }, sender);
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    const againId = (again.value as { runId: string }).runId;
    expect(againId).not.toBe(firstId);
    const retried = await core.runs.wait(againId);
    expect(retried).toMatchObject({ name: 'resnet-retry', backend: 'local', state: 'failed' });
    // The same question, about the same files and machine, as for the first start.
    expect(asked).toHaveLength(2);
    expect(asked[1]).toEqual(asked[0]);
    // The recorded paths are the resolved ones: "~/" was expanded once, at the first start.
    expect(retried.phases.preflight.reason).toContain(join(homedir(), 'no-such-retry.key'));

    refuse = true;
    const refused = await core.router.handle('runs.retry', { runId: firstId }, sender);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const listed = await core.router.handle('runs.list', {}, sender);
    expect(listed.ok && (listed.value as RunSnapshot[]).length).toBe(2);

    expect(await core.router.handle('runs.retry', { runId: 'no-such-run' }, sender)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', fix: expect.stringContaining('Launch') },
    });
    // A torn settings file is a clear refusal, not an exception.
    writeFileSync(join(dataDir, 'runs', firstId, 'start.json'), '{"backend":"local","con');
    expect(await core.router.handle('runs.retry', { runId: firstId }, sender)).toMatchObject({
      ok: false,
      error: {
        code: 'PRECONDITION_FAILED',
        message: `The recorded settings of run ${firstId} are not a valid run config.`,
      },
    });
  });

  it('an ssh-host run without its host is refused by validation', async () => {
    const core = createCore({
      trust: yesTrustGate(),
      transport: 'web',
      isTrusted: () => true,
      log: silentLogger,
      projectRoot: dir,
      env: { TRAINDECK_DATA_DIR: join(dir, 'data2') },
    });
    const result = await core.router.handle(
      'runs.start',
      {
        config: { version: 1, aws: { region: 'eu-west-1' }, storage: { bucket: 'td-data', sseKeyFile: '/k' } },
        backend: 'ssh-host',
      },
      { transport: 'in-process' },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('an ssh-host run needs host') },
    });
  });

  it('the machine comes from config.sshHost, its identity file resolved like preflight resolves it ("~/", relative to home)', async () => {
    const started: StartRunRequest[] = [];
    const runs = {
      start: (request: StartRunRequest) => (started.push(request), { runId: 'run-x' }),
    } as unknown as RunService;
    const router = createRouter(runHandlers(runs, yesTrustGate()) as never, {
      isTrusted: () => true,
      log: silentLogger,
    });
    const storage = { bucket: 'td-data', sseKeyFile: '/k' };
    const base = { version: 1, aws: { region: 'eu-west-1' }, storage };
    const sender = { transport: 'in-process' } as const;

    // A relative identity path in the config's section: taken from the home folder.
    expect(
      await router.handle(
        'runs.start',
        {
          config: { ...base, sshHost: { address: 'me@10.0.0.5:22', identityFile: 'keys/id_ed25519' } },
          backend: 'ssh-host',
        },
        sender,
      ),
    ).toEqual({ ok: true, value: { runId: 'run-x' } });
    expect(started[0]?.host).toEqual({ address: 'me@10.0.0.5:22', identityFile: join(homedir(), 'keys/id_ed25519') });
    expect(started[0]?.config.sshHost).toEqual(started[0]?.host);

    // A host sent beside the config replaces its section and is resolved the same way: one source.
    await router.handle(
      'runs.start',
      {
        config: { ...base, sshHost: { address: 'old@10.0.0.9', identityFile: '/old' } },
        backend: 'ssh-host',
        host: { address: 'me@10.0.0.5', identityFile: '~/.ssh/id_ed25519' },
      },
      sender,
    );
    expect(started[1]?.host).toEqual({ address: 'me@10.0.0.5', identityFile: join(homedir(), '.ssh/id_ed25519') });
    expect(started[1]?.config.sshHost).toEqual(started[1]?.host);
    await router.handle(
      'runs.start',
      { config: base, backend: 'ssh-host', host: { address: 'me@10.0.0.5', identityFile: 'id_rsa' } },
      sender,
    );
    expect(started[2]?.host?.identityFile).toBe(join(homedir(), 'id_rsa'));

    // No machine at all for EC2.
    await router.handle('runs.start', { config: base, backend: 'aws-ec2' }, sender);
    expect(started[3]).not.toHaveProperty('host');
  });
});
