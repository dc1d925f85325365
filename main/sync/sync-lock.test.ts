import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { processStartTicks } from '../core/process-identity';
import { rejection } from '../core/testing/rejection';
import { raceOnce, type Racer, releaseWinners, startRacers } from '../core/testing/start-racers';
import { acquireSyncLock } from './sync-lock';
import { bundleTestScript } from './testing/bundle-script';

let root: string;
const lockPath = () => join(root, '.traindeck', 'sync.lock');
/** A PID no process has (above the kernel's pid_max default of 4,194,304). */
const DEAD_PID = 4_194_400;
const BOOT_ID = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
  (t) => t.trim(),
  () => undefined,
);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-lock-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function plant(content: string): Promise<void> {
  await mkdir(join(root, '.traindeck'), { recursive: true });
  await writeFile(lockPath(), content);
}
const staleJson = () =>
  JSON.stringify({ id: randomUUID(), pid: DEAD_PID, host: hostname(), bootId: BOOT_ID, since: '2026-01-01T00:00:00Z' });

describe('sync lock', () => {
  it('one holder at a time within a process; the second is told who holds it', async () => {
    const release = await acquireSyncLock(root);
    const error = await rejection(acquireSyncLock(root));
    expect(error).toMatchObject({ code: 'SYNC_LOCKED' });
    expect((error as Error).message).toMatch(new RegExp(`^Another sync \\(PID ${process.pid} since \\d{4}-`));
    await release();
    await (
      await acquireSyncLock(root)
    )();
    expect(await readdir(join(root, '.traindeck'))).toEqual([]);
  });

  it.each([
    ['a dead PID', () => staleJson()],
    ['an older plain-PID lock', () => String(DEAD_PID)],
    ['an empty or garbled file', () => '{"pi'],
    [
      'a live PID of another boot',
      () => JSON.stringify({ id: 'x', pid: process.pid, host: hostname(), bootId: 'another-boot', since: '?' }),
    ],
    [
      // A holder killed with -9 whose PID the kernel gave to a later process (here: this one).
      'a PID reused by a process that started later',
      () =>
        JSON.stringify({ id: 'z', pid: process.pid, host: hostname(), bootId: BOOT_ID, startTicks: '1', since: '?' }),
    ],
  ])('takes over a stale lock: %s', async (_name, content) => {
    await plant(content());
    const release = await acquireSyncLock(root);
    expect(JSON.parse(await readFile(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
  });

  it('keeps a lock whose holder runs with the start time it recorded', async () => {
    const startTicks = processStartTicks(process.pid);
    expect(startTicks).toMatch(/^\d+$/);
    await plant(
      JSON.stringify({ id: 'w', pid: process.pid, host: hostname(), bootId: BOOT_ID, startTicks, since: '?' }),
    );
    expect(await rejection(acquireSyncLock(root))).toMatchObject({ code: 'SYNC_LOCKED' });
    await rm(lockPath());
  });

  it('never takes over a lock held on another host, and says which', async () => {
    await plant(JSON.stringify({ id: 'y', pid: DEAD_PID, host: 'gpu-box', since: '2026-12-05T10:00:00Z' }));
    const error = (await rejection(acquireSyncLock(root))) as Error & { fix?: string };
    expect(error.message).toBe(
      `Another sync (PID ${DEAD_PID} on host gpu-box since 2026-12-05T10:00:00Z) is using ${root}.`,
    );
    expect(error.fix).toMatch(/if no sync runs on gpu-box, delete .*sync\.lock/);
    await rm(lockPath());
  });
});

describe.each([
  ['', []],
  // Every file call delayed up to 2 ms, a file created a moment before it is filled (race-on-command.ts).
  [', on a slow disk', ['--slow-disk', '2', '--split-writes']],
])('sync lock, raced by separate processes%s', (_disk, diskArgs) => {
  const RACERS = 3;
  const TRIALS = 48;
  let racers: Racer[] = [];

  beforeAll(async () => {
    racers = await startRacers(await bundleTestScript('lock-racer'), [root, ...diskArgs], RACERS);
  }, 60_000);
  afterAll(() => {
    for (const { child } of racers) child.kill();
  });

  it(`exactly one of ${RACERS} processes takes over a stale lock, in each of ${TRIALS} trials`, async () => {
    const winners: number[] = [];
    const losers: string[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      await plant(trial % 2 ? staleJson() : String(DEAD_PID));
      const answers = await raceOnce(racers);
      const won = answers.flatMap((a, i) => (a === 'won' ? [i] : []));
      winners.push(won.length);
      if (won.length === 1) {
        const pid = racers[won[0]!]!.child.pid;
        losers.push(...answers.filter((a) => a !== 'won').map((a) => a.replace(String(pid), 'WINNER')));
      }
      await releaseWinners(racers, answers);
      await rm(lockPath(), { force: true });
    }
    expect(winners).toEqual(Array.from({ length: TRIALS }, () => 1));
    for (const loser of losers) expect(loser).toMatch(/^lost Another sync \(PID WINNER since \d{4}-/);
    // Nothing left behind: no guard, no temp file.
    expect(await readdir(join(root, '.traindeck'))).toEqual([]);
  }, 120_000);
});
