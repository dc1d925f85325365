import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { cliInMemory } from './testing/cli-in-memory';

const dataDir = mkdtempSync(join(tmpdir(), 'td-push-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const cli = (...argv: string[]) => cliInMemory(dataDir, ...argv);

describe('traindeck push (bad input: one sentence with a fix, nothing contacted)', () => {
  it('refuses a folder a run does not push', async () => {
    const { code, err } = await cli('push', 'run-1', '--folder', 'cached_datasets');
    expect(code).toBe(2);
    expect(err).toBe(
      'traindeck: --folder cached_datasets is not a folder a run pushes: choose checkpoints, models, logs.\n',
    );
  });

  it('wants exactly one run id', async () => {
    const { code, err } = await cli('push');
    expect(code).toBe(2);
    expect(err).toMatch(/give exactly one run id\. Usage: traindeck push RUN/);
  });

  it('says a run it does not know is unknown', async () => {
    const { code, err } = await cli('push', 'no-such-run');
    expect(code).toBe(1);
    expect(err).toMatch(/^traindeck: No run no-such-run\./);
  });

  it('refuses a run that is not training, and says what happens instead', async () => {
    const dir = join(dataDir, 'runs', 'done-run');
    mkdirSync(dir, { recursive: true });
    const at = new Date().toISOString();
    const events = [
      { type: 'started', runId: 'done-run', seq: 1, at, name: 'done', backend: 'ssh-host' },
      { type: 'finished', runId: 'done-run', seq: 2, at, outcome: 'succeeded' },
    ];
    writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const { code, err } = await cli('push', 'done-run');
    expect(code).toBe(1);
    expect(err).toBe(
      'traindeck: Run done-run is not training now, so there is nothing to push early. — Push now works while the training runs; every run pushes all its folders when it ends.\n',
    );
  });
});
