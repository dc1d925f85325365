import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRunEvent, type RunEvent, type RunSnapshot } from '../../shared/domain/run';
import type { RunConfig } from '../../shared/run-config/schema';
import { createCore } from '../core/create-core';
import { silentLogger } from '../core/logger';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-run-handlers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('runs.* through the router (both transports use this)', () => {
  it('runs.start returns an id at once; runs.event streams; runs.get + newer events = the final snapshot; runs.list has it', async () => {
    const core = createCore({ transport: 'web', isTrusted: () => true, log: silentLogger, projectRoot: dir, env: { TRAINDECK_DATA_DIR: join(dir, 'data') } });
    const events: RunEvent[] = [];
    core.bus.on('runs.event', (event) => events.push(event));
    const config: RunConfig = {
      version: 1,
      aws: { region: 'eu-west-1' },
      storage: { bucket: 'td-data', prefix: 'p', sseKeyFile: join(dir, 'no-such.key'), localRoot: join(dir, 'local'), folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }] },
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
    expect(await core.router.handle('runs.cancel', { runId }, { transport: 'in-process' })).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('an ssh-host run without its host is refused by validation', async () => {
    const core = createCore({ transport: 'web', isTrusted: () => true, log: silentLogger, projectRoot: dir, env: { TRAINDECK_DATA_DIR: join(dir, 'data2') } });
    const result = await core.router.handle('runs.start', { config: { version: 1, aws: { region: 'eu-west-1' }, storage: { bucket: 'td-data', sseKeyFile: '/k' } }, backend: 'ssh-host' }, { transport: 'in-process' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('an ssh-host run needs host') } });
  });
});
