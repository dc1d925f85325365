import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { processStartTicks } from '../core/process-identity';
import { raceOnce, type Racer, releaseWinners, startRacers } from '../core/testing/start-racers';
import { bundleTestScript } from '../sync/testing/bundle-script';
import { workLayout } from './work-layout';

// Several `executor.mjs push --folder …` started at once over a push-now.pid left by a push killed
// with -9, each a real process on a slow, preempted disk (every file call delayed up to SLOW_MS ms
// before and after, a file created a moment before it is filled). Invariant: exactly one push
// takes the file over, the file names it while it runs (the final push stops that one), the
// others are refused naming it, and nothing is left behind. Before the exclusive PID file, a
// three-way race broke it: A moved B's fresh claim aside to compare it, C claimed the empty name
// meanwhile, A's no-clobber link back failed, and B and C both ran.

const RACERS = 3;
const TRIALS = 40;
const SLOW_MS = 2;
/** Above the kernel's pid_max default (4,194,304): no process has it. */
const DEAD_PID = 4_194_400;

describe.each([
  ['a slow disk whose files appear filled', []],
  ['a slow disk where a process stops between creating a file and filling it', ['--split-writes']],
])('push now, raced by separate processes over a stale push-now.pid, on %s', (_disk, diskArgs) => {
  let work: string;
  let racers: Racer[] = [];
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'push-now-racers-'));
    const script = await bundleTestScript('push-now-racer', join(import.meta.dirname, 'testing'));
    racers = await startRacers(script, [work, '--slow-disk', String(SLOW_MS), ...diskArgs], RACERS);
  }, 60_000);
  afterAll(() => {
    for (const { child } of racers) child.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it(`exactly one of ${RACERS} pushes takes it over, in each of ${TRIALS} trials`, async () => {
    const pidFile = workLayout(work, {
      runId: 'r1',
      storage: { bucket: 'b', prefix: 'p', region: 'r', folders: [] },
    }).pushNowPidFile;
    const stale = [`${DEAD_PID}\n`, `${DEAD_PID} 12345\n`, `${process.pid} 1\n`, 'garbage'];
    const trials: string[] = [];
    for (let trial = 0; trial < TRIALS; trial += 1) {
      writeFileSync(pidFile, stale[trial % stale.length]!);
      const answers = await raceOnce(racers);
      const won = answers.flatMap((a, i) => (a === 'won' ? [racers[i]!.child.pid!] : []));
      const named = won.length === 1 ? readFileSync(pidFile, 'utf8') : '';
      await releaseWinners(racers, answers);
      const expected = won.length === 1 ? `${won[0]} ${processStartTicks(won[0]!)}\n` : 'one winner';
      const losers = answers.filter((a) => a !== 'won');
      trials.push(
        [
          `winners ${won.length}`,
          named === expected ? 'file names the winner' : `file holds ${JSON.stringify(named)}`,
          ...losers.map((a) => a.replace(String(won[0]), 'WINNER')),
        ].join('; '),
      );
    }
    const wanted = [
      'winners 1',
      'file names the winner',
      ...Array.from({ length: RACERS - 1 }, () => 'lost a push asked for earlier is still running (PID WINNER)'),
    ].join('; ');
    expect(trials).toEqual(Array.from({ length: TRIALS }, () => wanted));
    // Released and nothing left behind: no guard, no temp file.
    expect(readdirSync(work)).toEqual([]);
  }, 120_000);
});
