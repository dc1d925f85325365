import { rm } from 'node:fs/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { processStartTicks } from '../core/process-identity';
import { RunJournal } from './journal/run-journal';
import { reconcileOpenRuns } from './reconcile';
import { type FakeWorld, fakeWorld } from './testing/fake-lifecycle';

// Invariant: an open run journal whose TrainDeck is gone is reported (the CLI says how to clean it
// up), also when the kernel has given that TrainDeck's pid to another program since. The owner is the
// TrainDeck that launched last (a spot relaunch by a TrainDeck that took the run over), by pid and
// start time; a journal without start times (older TrainDeck) is judged by its pid alone, as then.

const DEAD_PID = 4_194_400; // above the kernel's pid_max default: no process has it
let world: FakeWorld | undefined;
afterEach(async () => {
  if (world) await rm(world.dir, { recursive: true, force: true });
  world = undefined;
});

async function journalOf(runId: string, opens: Array<{ pid: number; ticks?: string }>): Promise<FakeWorld> {
  world ??= await fakeWorld();
  const { deps, clock } = world;
  const journal = await RunJournal.open(deps.dataDir, runId, () => clock.now());
  for (const owner of opens) await journal.append({ type: 'opened', runId, region: 'eu-west-1', ...owner });
  await journal.close();
  return world;
}

async function reported(w: FakeWorld): Promise<string[]> {
  const found = await reconcileOpenRuns({
    dataDir: w.deps.dataDir,
    ports: w.fake.ports(),
    clock: w.clock,
    sleep: w.clock.sleep,
  });
  return found.map((run) => run.runId);
}

describe('reconcileOpenRuns: who owns an open journal', () => {
  const mine = processStartTicks(process.pid)!;

  it('reports a run whose TrainDeck is gone though another program got its pid', async () => {
    // This test process plays the program that got the pid: alive, started at another time than journaled.
    const w = await journalOf('reused-20261206-120000-ab12', [{ pid: process.pid, ticks: String(BigInt(mine) + 1n) }]);
    expect(await reported(w)).toEqual(['reused-20261206-120000-ab12']);
  });

  it('does not report a run whose TrainDeck still runs (same pid and start time), nor one journaled by pid alone', async () => {
    await journalOf('mine-20261206-120000-ab12', [{ pid: process.pid, ticks: mine }]);
    const w = await journalOf('older-20261206-120000-cd34', [{ pid: process.pid }]);
    expect(await reported(w)).toEqual([]);
  });

  it('judges a relaunched run by the TrainDeck that launched last, not the one that opened it', async () => {
    // Opened by a TrainDeck that was killed; a TrainDeck that took it over (this process) relaunched it.
    const w = await journalOf('relaunched-20261206-120000-ab12', [
      { pid: DEAD_PID },
      { pid: process.pid, ticks: mine },
    ]);
    expect(await reported(w)).toEqual([]);
    await journalOf('abandoned-20261206-120000-cd34', [{ pid: process.pid, ticks: mine }, { pid: DEAD_PID }]);
    expect(await reported(w)).toEqual(['abandoned-20261206-120000-cd34']);
  });
});
