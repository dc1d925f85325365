import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { applyRunEvent, type RunEvent, type RunSnapshot } from '../../shared/domain/run';
import { runConfigSchema } from '../../shared/run-config/schema';
import { silentLogger } from '../core/logger';
import { RunService } from './run-service';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-run-service-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = runConfigSchema.parse({
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: { bucket: 'td-data', sseKeyFile: 'missing.key' },
  code: { repoUrl: 'git@github.com:acme/train.git', branch: 'main', deployKeyFile: 'deploy' },
  training: { command: 'python train.py' },
});

describe('RunService', () => {
  it('returns the run id at once, streams numbered events, and a late snapshot + newer events agree with the live one', async () => {
    const events: RunEvent[] = [];
    const service = new RunService({
      dataDir: dir,
      emit: (e) => events.push(e),
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('not reached')),
    });
    const { runId } = service.start({ config, baseDir: dir, backend: 'local' });
    expect(runId).toMatch(/^run-\d{8}-\d{6}-[0-9a-f]{4}$/);
    const late = service.get(runId);
    const final = await service.wait(runId);
    // The missing key file fails the run in preflight, before any machine exists.
    expect(final.state).toBe('failed');
    expect(final.phases.preflight).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('missing.key does not exist'),
    });
    expect(final.phases.provisioning.status).toBe('pending');
    const caughtUp = events.filter((e) => e.seq > late.lastSeq).reduce<RunSnapshot>(applyRunEvent, late);
    expect(caughtUp).toEqual(final);
    expect(service.cancel(runId)).toBe(false);
  });

  it('lists past runs from their events.jsonl after a restart', async () => {
    const first = new RunService({
      dataDir: dir,
      emit: () => {},
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('x')),
    });
    const { runId } = first.start({ config, baseDir: dir, backend: 'ssh-host' });
    await first.wait(runId);
    const second = new RunService({
      dataDir: dir,
      emit: () => {},
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('x')),
    });
    expect(second.list().map((r) => [r.runId, r.state, r.backend])).toEqual([[runId, 'failed', 'ssh-host']]);
    expect(() => second.get('nope')).toThrow(/No run nope/);
  });

  it('no URL credentials reach the journal or the window, whatever a failure says', async () => {
    const events: RunEvent[] = [];
    await writeFile(join(dir, 'k.key'), Buffer.alloc(32, 7));
    await writeFile(join(dir, 'deploy'), 'not a real key, never used: the run fails before it connects\n');
    const service = new RunService({
      dataDir: dir,
      emit: (e) => events.push(e),
      now: Date.now,
      log: silentLogger,
      resources: () =>
        Promise.reject(new Error('git clone of https://x-access-token:ghp_SECRET1@github.com/a/b failed')),
    });
    const withKey = runConfigSchema.parse({ ...config, storage: { bucket: 'td-data', sseKeyFile: 'k.key' } });
    const { runId } = service.start({ config: withKey, baseDir: dir, backend: 'local' });
    const final = await service.wait(runId);
    const journal = await readFile(join(dir, 'runs', runId, 'events.jsonl'), 'utf8');
    expect(JSON.stringify(final)).toContain('https://***@github.com/a/b');
    for (const text of [journal, JSON.stringify(events), JSON.stringify(final)]) {
      expect(text).not.toContain('ghp_SECRET1');
    }
  });
});
