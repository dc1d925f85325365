import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { onInstanceRefusal } from '../../aws/testing/ec2-test-bed';
import { runDir } from '../../lifecycle/journal/run-journal';
import { readAttach } from '../reattach/attach-journal';
import { type Ec2BedWorld, startEc2BedWorld, story } from './testing/ec2-bed-world';
import { expectAttempts, expectNothingLeft, restartedRun } from './testing/restarted-run';

// #17 point 3, the app closed when the spot notice came, end to end on the EC2 test bed (SDK over HTTP,
// a real sshd and IMDSv2 per instance, Ceph RGW). A spot run trains in attempt 1; its desktop "dies" (its
// AWS calls hang, what it left on disk is copied as a killed desktop leaves it) while training; then,
// with no desktop running, AWS posts the spot notice, the executor pushes and ends, and AWS takes the
// instance back (terminated, StateReason Server.SpotInstanceTermination, its disk gone). A new RunService
// over the runs folder takes the run over.
// Invariant: the relaunch waits for the app: the restarted desktop does not follow the machine AWS took
// back; it reads why it is gone and the executor's push from S3, ends and prices attempt 1 as
// interrupted, and relaunches (verified teardown first, preflight, launch) resuming from the newest
// checkpoint; every instance terminated, $0/h.

// SAFETY: never where the executor's power-off would be real (a CI runner on EC2).
const refusal = onInstanceRefusal();
if (refusal) console.warn(`ec2-bed-restart-away.s3.test.ts skipped: ${refusal}.`);

let world: Ec2BedWorld;

beforeAll(async () => {
  if (refusal) return;
  world = await startEc2BedWorld('away');
}, 120_000);

afterAll(async () => {
  if (refusal) return;
  await world?.close();
});

// Training lines are "<time> [stdout] epoch 1 step 2 loss 0.5000".
const steps = (lines: string[]) => lines.flatMap((l) => / epoch \d+ step (\d+) /.exec(l)?.[1] ?? []).map(Number);

// While no desktop runs: the executor ends by the notice (its status.json written after its push), then AWS takes the instance.
async function interruptedWhileAway(runId: string, deadDir: string): Promise<void> {
  const machine = readAttach(runDir(deadDir, runId))?.machine;
  if (!machine?.aws) throw new Error('the killed desktop recorded no instance');
  const status = join(machine.workDir, 'status.json');
  for (const until = Date.now() + 180_000; !existsSync(status);) {
    if (Date.now() > until) throw new Error(`the executor never ended after the spot notice (${status})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await world.bed.reclaim(machine.aws.instanceId);
  rmSync(join('/var/tmp/traindeck', runId), { recursive: true, force: true });
}

describe.skipIf(refusal)(
  'a desktop closed when the spot notice came, on the EC2 test bed',
  { timeout: 300_000 },
  () => {
    it('AWS took the instance back meanwhile: attempt 1 ended interrupted, relaunched, resumed from the newest checkpoint', async () => {
      const name = 'away-reclaimed';
      const run = await restartedRun(world, name, {
        spot: { maxRelaunches: 1 },
        hangAfter: '1',
        // Attempt 1 checkpointed epoch 1 and hangs: the spot notice is posted now, and the desktop dies with it.
        dieAt: (e) => e.type === 'log' && e.source === 'train' && e.line.endsWith(' hanging'),
        whileDead: interruptedWhileAway,
      });
      expect(run.final.state, story(run.events)).toBe('succeeded');
      expect(run.events.some((e) => e.type === 'log' && e.line.includes('Server.SpotInstanceTermination'))).toBe(true);
      const train = run.events.flatMap((e) => (e.type === 'log' && e.source === 'train' ? [e.line] : []));
      const resumed = train.filter((l) => l.includes(' resumed from ')).at(-1) ?? '';
      expect(resumed, train.join('\n')).toMatch(/checkpoints\/interrupted\.ckpt after epoch 1 \(attempt 2\)$/);
      expect(steps(train.slice(train.indexOf(resumed)))).toEqual([3, 4, 5, 6]);
      expectAttempts(world, run, ['interrupted', 'finished']);
      expectNothingLeft(world, run);
    });
  },
);
