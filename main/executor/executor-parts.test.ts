import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ExecutorSpec } from '../../shared/executor/protocol';
import { explainGitFailure } from './checkout';
import { EventLog } from './event-log';
import { mayPowerOffMachine, powerOff } from './power-off';
import { hasParquetMagic } from './verify-data';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-executor-parts-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const spec = { code: { repoUrl: 'git@github.com:acme/train.git', branch: 'dev' } } as ExecutorSpec;

describe('executor parts', () => {
  it('power-off: a real shutdown needs --on-instance AND a cloud-init marker; without both it is refused, never run', async () => {
    expect(mayPowerOffMachine(false, [dir])).toBe(false);
    expect(mayPowerOffMachine(true, [join(dir, 'no-such-marker')])).toBe(false);
    expect(mayPowerOffMachine(true, [dir])).toBe(true);
    // This machine is no TrainDeck instance: `system` is refused even with --on-instance.
    expect(await powerOff({ kind: 'system' }, false)).toMatch(/refused/);
    const marker = join(dir, 'marker');
    expect(await powerOff({ kind: 'command', argv: ['touch', marker] }, false)).toBe('power-off command exited with 0');
    expect(await powerOff({ kind: 'none' }, true)).toBe('power-off not configured');
  });

  it('Parquet magic must be at both ends', async () => {
    await writeFile(join(dir, 'ok.parquet'), 'PAR1 data PAR1');
    await writeFile(join(dir, 'cut.parquet'), 'PAR1 data trunc');
    expect(await hasParquetMagic(join(dir, 'ok.parquet'), 14)).toBe(true);
    expect(await hasParquetMagic(join(dir, 'cut.parquet'), 15)).toBe(false);
  });

  it('git failures become reasons a user can act on', () => {
    expect(
      explainGitFailure(
        'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.',
        spec,
      ).message,
    ).toMatch(/deploy key was refused/);
    expect(
      explainGitFailure(
        'warning: Could not find remote branch dev to clone.\nfatal: Remote branch dev not found in upstream origin',
        spec,
      ).message,
    ).toBe('branch "dev" does not exist in git@github.com:acme/train.git');
    expect(
      explainGitFailure(
        'No ED25519 host key is known for github.com and you have requested strict checking.\nHost key verification failed.',
        spec,
      ).message,
    ).toMatch(/host key .* is not the pinned one/);
    expect(
      explainGitFailure('ssh: Could not resolve hostname github.com: Name or service not known', spec).message,
    ).toMatch(/unreachable/);
  });

  it('executor.jsonl: one whole JSON line per event, with timings', async () => {
    const log = new EventLog(join(dir, 'logs', 'executor.jsonl'), () => Date.parse('2026-01-01T00:00:00Z'));
    log.write('checkout', 'started');
    log.write('checkout', 'failed', { reason: 'nope', fix: 'do this' });
    const lines = (await readFile(join(dir, 'logs', 'executor.jsonl'), 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual([
      { seq: 1, at: '2026-01-01T00:00:00.000Z', phase: 'checkout', status: 'started' },
      { seq: 2, at: '2026-01-01T00:00:00.000Z', phase: 'checkout', status: 'failed', reason: 'nope', fix: 'do this' },
    ]);
    expect(log.timings.checkout).toEqual({
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
