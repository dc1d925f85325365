import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { readJournal } from '../../lifecycle/journal/run-journal';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';
import { expectAttempts, expectNothingLeft, type Restarted, restartedRun } from './testing/restarted-run';

// #17 point 3, the gap between two attempts, end to end on the EC2 test bed (SDK over HTTP, a real sshd
// and IMDSv2 per instance, Ceph RGW). A spot run is interrupted in attempt 1; its desktop "dies" (its
// AWS calls hang from then on, what it left on disk is copied as a killed desktop leaves it) BETWEEN
// the attempts, and a new RunService over that runs folder takes it over.
// Invariant: every crash point in the gap ends in a relaunched attempt (resumed from the newest
// checkpoint) or a true report at $0/h, and no instance is left running: killed after the interrupted
// instance's verified teardown (its journal closed), the run is still listed and is relaunched; killed
// after the relaunch's RunInstances answered, that instance is found by its run tag, terminated,
// billed in its own row, and the relaunch goes on under the next number without using a relaunch.

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-restart-between.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('between');
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

// Training lines are "<time> [stdout] epoch 1 step 2 loss 0.5000".
const steps = (lines: string[]) => lines.flatMap((l) => / epoch \d+ step (\d+) /.exec(l)?.[1] ?? []).map(Number);
const trainLines = (run: Restarted) =>
  run.events.flatMap((e) => (e.type === 'log' && e.source === 'train' ? [e.line] : []));

// The run resumed in attempt `attempt` after epoch 1 (TRAINDECK_RESUME_FROM, TRAINDECK_ATTEMPT), then trained to its end.
function expectResumed(run: Restarted, name: string, attempt: number) {
  expect(run.final.state, story(run.events)).toBe('succeeded');
  const train = trainLines(run);
  const resumed = train.filter((l) => l.includes(' resumed from ')).at(-1) ?? '';
  expect(resumed, train.join('\n')).toMatch(
    new RegExp(`checkpoints/interrupted\\.ckpt after epoch 1 \\(attempt ${attempt}\\)$`),
  );
  expect(steps(train.slice(train.indexOf(resumed)))).toEqual([3, 4, 5, 6]);
  expect(run.final.phases['verifying-sync'].status).toBe('succeeded');
  return expect(world.f.fx.keys()).resolves.toEqual(
    expect.arrayContaining([`runs/${name}/models/model.json`, `runs/${name}/checkpoints/epoch-003.ckpt`]),
  );
}

describe.skipIf(refusal)(
  'a desktop killed between two spot attempts, on the EC2 test bed',
  { timeout: 300_000 },
  () => {
    it("killed after the interrupted instance's verified teardown: listed, relaunched, resumed from the newest checkpoint", async () => {
      const name = 'between-torn-down';
      const run = await restartedRun(world, name, {
        spot: { maxRelaunches: 1 },
        hangAfter: '1',
        // Attempt 1's row ends once its instance's teardown is verified (the journal closed), before the relaunch is journaled.
        dieAt: (e) => e.type === 'attempts' && e.attempts.length === 1 && e.attempts[0]!.end === 'interrupted',
      });
      await expectResumed(run, name, 2);
      expectAttempts(world, run, ['interrupted', 'finished']);
      expectNothingLeft(world, run);
      // The restarted desktop journaled the relaunch it made (the killed one never got to), and closed the journal.
      const journal = await readJournal(run.dataDir, run.runId);
      expect(journal.filter((e) => e.type === 'relaunch').map((e) => e.type === 'relaunch' && e.attempt)).toEqual([2]);
      expect(journal.at(-1)).toMatchObject({ type: 'closed' });
    });

    it("killed after the relaunch's RunInstances answered: that instance is terminated and billed, attempt 3 resumes", async () => {
      const name = 'between-launched';
      const run = await restartedRun(world, name, {
        spot: { maxRelaunches: 1 },
        hangAfter: '1',
        // Attempt 2's provisioning once RunInstances took a placement (its instance journaled), before its machine entry.
        dieAt: (e, first) =>
          e.type === 'phase' &&
          e.phase === 'provisioning' &&
          e.status === 'running' &&
          typeof e.detail?.zone === 'string' &&
          first.get(e.runId).attempts?.[0]?.end === 'interrupted',
      });
      await expectResumed(run, name, 3);
      // Three instances, each its own row and terminated: the abandoned one billed, not counted as a relaunch.
      expectAttempts(world, run, ['interrupted', 'launch-failed', 'finished']);
      expect(run.final.attempts![1]!.costUsd).toBeGreaterThan(0);
      expectNothingLeft(world, run);
    });
  },
);
