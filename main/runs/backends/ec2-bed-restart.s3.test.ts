import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { readJournal } from '../../lifecycle/journal/run-journal';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';
import { expectAttempts, expectNothingLeft, type Restarted, restartedRun } from './testing/restarted-run';

// #17 point 3 across a desktop restart, end to end on the EC2 test bed (SDK over HTTP, a real sshd and
// IMDSv2 per instance, Ceph RGW). A spot run is interrupted in attempt 1 and relaunched; during attempt 2
// the desktop "dies" (its AWS calls hang from then on, and what it left on disk is copied as a killed
// desktop leaves it) and a new RunService over that runs folder reattaches. Attempt 2 is then interrupted.
// Invariants: the restarted desktop relaunches by the same rule as one that never restarted, counting
// the attempts before the restart toward compute.spot.maxRelaunches (at most that many relaunches in
// all); the relaunch is torn down to one instance at a time, resumes from the newest checkpoint
// (TRAINDECK_RESUME_FROM, TRAINDECK_ATTEMPT=3); with the relaunches used up, nothing is launched; either
// way the run ends at $0/h, nothing of it left in the fake, its report true (every attempt's row, its cost).

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-restart.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('restart');
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

/** A spot run (training hangs after epochs 1 and 2) whose desktop dies once attempt 2 trains. */
function restartedDuringAttempt2(name: string, spot: { maxRelaunches: number }): Promise<Restarted> {
  return restartedRun(world, name, {
    spot,
    hangAfter: '1,2',
    dieAt: (e, first) => {
      if (e.type !== 'phase' || e.phase !== 'training' || e.status !== 'running') return false;
      const attempts = first.get(e.runId).attempts ?? [];
      return attempts.length === 2 && !attempts[1]!.end;
    },
  });
}

// Training lines are "<time> [stdout] epoch 1 step 2 loss 0.5000".
const steps = (lines: string[]) => lines.flatMap((l) => / epoch \d+ step (\d+) /.exec(l)?.[1] ?? []).map(Number);

describe.skipIf(refusal)('spot relaunch across a desktop restart on the EC2 test bed', { timeout: 300_000 }, () => {
  it('restarted during attempt 2, interrupted again: attempt 3 is launched and resumes from the newest checkpoint', async () => {
    const run = await restartedDuringAttempt2('restart-relaunch', { maxRelaunches: 2 });
    expect(run.final.state, story(run.events)).toBe('succeeded');
    expectAttempts(world, run, ['interrupted', 'interrupted', 'finished']);
    const train = run.events.flatMap((e) => (e.type === 'log' && e.source === 'train' ? [e.line] : []));
    // The restarted desktop shows attempt 2's log from its start, then attempt 3's: resumed (TRAINDECK_ATTEMPT=3,
    // TRAINDECK_RESUME_FROM the checkpoint after epoch 2), not restarted: its steps continue where attempt 2's ended.
    const resumed = train.filter((l) => l.includes(' resumed from ')).at(-1) ?? '';
    expect(resumed, train.join('\n')).toMatch(/checkpoints\/interrupted\.ckpt after epoch 2 \(attempt 3\)$/);
    expect(steps(train.slice(train.indexOf(resumed)))).toEqual([5, 6]);
    expect(await world.f.fx.keys()).toEqual(
      expect.arrayContaining([
        'runs/restart-relaunch/models/model.json',
        'runs/restart-relaunch/checkpoints/epoch-003.ckpt',
      ]),
    );
    expect(run.final.phases['verifying-sync'].status).toBe('succeeded');
    expectNothingLeft(world, run);
    // Journaled: a relaunch line per relaunch (one before the restart, one after), the journal closed.
    const journal = await readJournal(run.dataDir, run.runId);
    expect(journal.filter((e) => e.type === 'relaunch').map((e) => e.type === 'relaunch' && e.attempt)).toEqual([2, 3]);
    expect(journal.at(-1)).toMatchObject({ type: 'closed' });
  });

  it('restarted with its relaunches used up, interrupted again: nothing is launched, the report is true', async () => {
    const run = await restartedDuringAttempt2('restart-used-up', { maxRelaunches: 1 });
    expect(run.final.state, story(run.events)).toBe('failed');
    expect(run.events.find((e) => e.type === 'finished')).toMatchObject({
      reason: expect.stringContaining('interrupted again after 1 spot relaunch(es)'),
    });
    expectAttempts(world, run, ['interrupted', 'interrupted']);
    expect(run.final.phases['verifying-sync'].status).toBe('succeeded');
    expectNothingLeft(world, run);
  });
});
