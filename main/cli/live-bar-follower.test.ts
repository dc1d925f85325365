import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { LiveBarRecord } from '../../shared/executor/protocol';
import { localHost } from '../host/local-host';
import type { RemoteHost } from '../host/remote-host';
import { liveBarFollower } from './live-bar-follower';

/** Waits until `done()` holds, 5 s at most (then the assertion after it fails). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

function writeBar(path: string, text: string, open = true): void {
  // As the executor does: beside, then renamed into place.
  writeFileSync(`${path}.tmp`, JSON.stringify({ at: new Date().toISOString(), stream: 'stderr', text, open }));
  renameSync(`${path}.tmp`, path);
}

const paths = (liveBar: string) => ({ dataDir: '/', trainLog: 'x', metricsJsonl: 'x', executorJsonl: 'x', liveBar });

describe('the CLI follows the live bar file the executor writes', () => {
  it('hands over each new state once, survives a missing file and a failing connection, and stops at the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'traindeck-live-bar-'));
    const file = join(dir, 'train-live.json');
    const bars: LiveBarRecord[] = [];
    let ended = 0;
    const follower = liveBarFollower(
      (bar) => bars.push(bar),
      () => ended++,
      { pollMs: 20 },
    );
    follower.trainingStarted('run-1', localHost(), paths(file));
    await new Promise((resolve) => setTimeout(resolve, 100)); // no file yet: nothing, no error
    expect(bars).toEqual([]);
    writeBar(file, ' 10%|█         | 10/100');
    await until(() => bars.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the same state is not handed over again
    expect(bars.map((bar) => bar.text)).toEqual([' 10%|█         | 10/100']);

    // The connection fails (SSH down): skipped; a reconnect brings the reads back.
    let failedReads = 0;
    const broken: RemoteHost = {
      ...localHost(),
      exec: () => {
        failedReads++;
        return Promise.reject(new Error('connection lost'));
      },
    };
    follower.reconnected('run-1', broken);
    // Reads are one at a time: once one failed, none through the old connection is in flight.
    await until(() => failedReads >= 1);
    writeBar(file, ' 20%|██        | 20/100');
    await until(() => failedReads >= 3);
    expect(bars).toHaveLength(1);
    follower.reconnected('run-1', localHost());
    await until(() => bars.length === 2);
    expect(bars[1]).toMatchObject({ text: ' 20%|██        | 20/100', open: true });

    await follower.ended('run-1');
    expect(ended).toBe(1);
    writeBar(file, '100%|██████████| 100/100', false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bars).toHaveLength(2);
  });

  it('a run without a live bar file (an older executor) is not followed', () => {
    let calls = 0;
    const follower = liveBarFollower(
      () => calls++,
      () => calls++,
    );
    follower.trainingStarted('run-2', localHost(), {
      dataDir: '/',
      trainLog: 'x',
      metricsJsonl: 'x',
      executorJsonl: 'x',
    });
    follower.stop();
    expect(calls).toBe(0);
  });
});
