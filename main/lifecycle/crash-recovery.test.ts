import { describe, expect, it } from 'vitest';

import { summarizeJournal } from '../../shared/domain/run-journal';
import { ProcessKilled } from '../aws/fake/fake-error';
import { scanAccount } from './cost/scanner';
import { type JournalWriter, readJournal, RunJournal } from './journal/run-journal';
import { runPreflight } from './preflight/run-preflight';
import { provisionRun } from './provision/provision';
import { reconcileOpenRuns } from './reconcile';
import { teardownRun } from './teardown';
import { type FakeWorld, fakeWorld } from './testing/fake-lifecycle';

const JOURNAL_LINES = 12; // opened, 5 × (intent + created), ready
const AWS_WRITES = 5; // key pair, security group, ssh rule, instance profile, instance

/** Provisions until the simulated kill (after a journal line or right after an AWS write). */
async function provisionUntilKilled(
  world: FakeWorld,
  kill: { afterJournalLine?: number; afterWrite?: number },
  runId: string,
): Promise<void> {
  const { fake, deps, config } = world;
  const { plan } = await runPreflight({
    config,
    ports: fake.ports(),
    publicIp: deps.publicIp,
    env: deps.env,
    clock: deps.clock,
  });
  if (!plan) throw new Error('preflight should pass');
  const real = await RunJournal.open(deps.dataDir, runId, () => deps.clock.now());
  let lines = 0;
  const journal: JournalWriter = {
    async append(entry) {
      if (fake.isDead) throw new ProcessKilled();
      await real.append(entry);
      lines += 1;
      if (lines === kill.afterJournalLine) {
        fake.kill();
        throw new ProcessKilled();
      }
    },
  };
  if (kill.afterWrite !== undefined) fake.killAfterWrites(kill.afterWrite);
  await expect(
    provisionRun(plan, runId, {
      ports: fake.ports(),
      journal,
      dataDir: deps.dataDir,
      clock: deps.clock,
      sleep: deps.sleep,
      probe: fake,
      createdBy: deps.createdBy,
    }),
  ).rejects.toBeInstanceOf(ProcessKilled);
  await real.close();
}

async function recoverAndClean(world: FakeWorld, runId: string) {
  const { fake, deps, clock } = world;
  fake.revive();
  clock.advance(10 * 60_000);
  const unfinished = await reconcileOpenRuns({
    dataDir: deps.dataDir,
    ports: fake.ports(),
    clock,
    sleep: clock.sleep,
    isAlive: () => false,
  });
  const found = unfinished.find((run) => run.runId === runId);
  const beforeCleanup = await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep });
  const created = beforeCleanup.resources.filter((resource) => resource.runId === runId);
  if (created.length > 0) {
    expect(found?.resources.map((r) => r.id).sort()).toEqual(created.map((r) => r.id).sort());
    const report = await teardownRun(runId, { dataDir: deps.dataDir, ports: fake.ports(), clock, sleep: clock.sleep });
    expect(report.closed).toBe(true);
  } else {
    expect(found?.advice ?? 'closed').toBe('closed');
  }
  const after = await scanAccount({ ports: fake.ports(), clock, sleep: clock.sleep });
  expect(after.resources.filter((resource) => resource.runId === runId)).toEqual([]);
  expect(after.totalHourlyUsd).toBe(0);
  expect(summarizeJournal(await readJournal(deps.dataDir, runId))?.closed).toBe(true);
  return created.length;
}

describe('crash recovery: a kill at any point of provisioning leaves nothing unfindable', () => {
  it.each(Array.from({ length: JOURNAL_LINES }, (_, i) => i + 1))(
    'killed right after journal line %i',
    async (line) => {
      const world = await fakeWorld();
      const runId = `crash-line-${line}-aaaa`;
      await provisionUntilKilled(world, { afterJournalLine: line }, runId);
      await recoverAndClean(world, runId);
    },
  );

  it.each(Array.from({ length: AWS_WRITES }, (_, i) => i + 1))(
    'killed right after AWS write %i, before its result was journaled',
    async (write) => {
      const world = await fakeWorld();
      const runId = `crash-write-${write}-bbbb`;
      await provisionUntilKilled(world, { afterWrite: write }, runId);
      const cleaned = await recoverAndClean(world, runId);
      // Tag-at-creation is what makes the write that the journal never heard of findable.
      if (write === 1) expect(cleaned).toBe(1);
      if (write === 5) expect(cleaned).toBe(4);
    },
  );
});
