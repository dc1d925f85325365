import { hostname } from 'node:os';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { MAX_DEPTH, parseHolder, type PidFileFormat } from './exclusive-pid-file-steps';
import { Claimant, PidFileWorld } from './testing/pid-file-world';

// The exclusive PID file's algorithm (claimSteps), run by several claimants whose file calls are
// interleaved one by one in every order fast-check draws, each claimant possibly killed (-9) after
// any of its calls: mid-create, holding a guard, between the check and the rename, while holding.
// Invariants:
//  - at most one holder at any time: a live claimant that holds (or is releasing) is the one the file names;
//  - a live holder is never taken over (a live process planted as the holder keeps the file to the end);
//  - a stale holder (dead PID, or a live PID with another start time, or garbage) is taken over:
//    a refusal always names a holder alive at that moment;
//  - nothing is left behind: with no crash, no guard or temp file remains once all released; after
//    crashes, the next claim (alone) takes the file and its release leaves the folder empty.

const DEAD_PID = 4_194_400;
/** Which file a run starts from. */
const STARTS = [
  'none',
  'dead PID',
  'plain dead PID',
  'reused PID',
  'garbage',
  'live holder',
  'crashed takeover',
  'another host',
] as const;
type Start = (typeof STARTS)[number];

interface Scenario {
  format: PidFileFormat;
  start: Start;
  claimants: Array<{ holdTurns: number; crashAfter?: number | undefined }>;
  schedule: number[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  format: fc.constantFrom<PidFileFormat>('json', 'pid-line'),
  start: fc.constantFrom(...STARTS),
  claimants: fc.array(
    fc.record(
      { holdTurns: fc.nat(6), crashAfter: fc.option(fc.nat(40), { nil: undefined, freq: 3 }) },
      { requiredKeys: ['holdTurns'] },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  schedule: fc.array(fc.nat(3), { maxLength: 300 }),
});

/** Runs one scenario; answers what broke, or '' when every invariant held. */
function check({ format, start, claimants: plans, schedule }: Scenario): string {
  // At most MAX_DEPTH - 2 crashes: with the planted crashed takeover, the guard chain stays within MAX_DEPTH.
  let crashes = 0;
  const bounded = plans.map((p) =>
    p.crashAfter !== undefined && crashes++ < MAX_DEPTH - 2 ? p : { ...p, crashAfter: undefined },
  );
  const world = new PidFileWorld('/run/lock.pid', format);
  const dead = { pid: DEAD_PID, ticks: '7', alive: false };
  world.processes.push(dead);
  // The reused PID: the first claimant got the PID of the dead holder (another start time).
  const first = start === 'reused PID' ? world.spawn(DEAD_PID, '900') : world.spawn();
  let bystander: ReturnType<typeof world.holderOf> | undefined;
  if (start === 'dead PID') world.plant('lock.pid', world.holderOf(dead));
  if (start === 'plain dead PID') world.plant('lock.pid', `${DEAD_PID}\n`);
  if (start === 'reused PID') world.plant('lock.pid', world.holderOf(dead));
  if (start === 'garbage') world.plant('lock.pid', '{"pi');
  if (start === 'live holder') {
    bystander = world.holderOf(world.spawn());
    world.plant('lock.pid', bystander);
  }
  if (start === 'another host') {
    bystander = { id: 'remote', pid: DEAD_PID, host: `not-${hostname()}`, since: '?' };
    world.plant('lock.pid', JSON.stringify(bystander));
  }
  if (start === 'crashed takeover') {
    // A process died holding the guard for the dead holder: the guard must be taken over in turn.
    const stale = world.holderOf(dead);
    world.plant('lock.pid', stale);
    world.plant(`lock.pid.takeover-${stale.id.replace(/[^A-Za-z0-9-]/g, '')}`, world.holderOf({ ...dead, pid: 77 }));
  }
  const claimants = bounded.map(
    (plan, i) => new Claimant(i === 0 ? first : world.spawn(), world, plan.holdTurns, plan.crashAfter),
  );

  const problems: string[] = [];
  const invariants = (turn: number) => {
    const named = world.holder();
    for (const [i, c] of claimants.entries()) {
      if ((c.phase === 'holding' || c.phase === 'releasing') && named?.id !== c.me.id) {
        problems.push(`turn ${turn}: claimant ${i} holds, but the file names ${JSON.stringify(named)}`);
      }
    }
    if (bystander && named?.id !== bystander.id) problems.push(`turn ${turn}: the live holder was taken over`);
  };
  // The drawn interleaving, then round robin until everyone is done (bounded).
  let turn = 0;
  const pick = (n: number) => {
    const active = claimants.filter((c) => c.active);
    return active[n % active.length];
  };
  for (; turn < schedule.length + 20_000 && claimants.some((c) => c.active) && !problems.length; turn += 1) {
    const claimant = pick(turn < schedule.length ? schedule[turn]! : turn)!;
    const wasClaiming = claimant.phase === 'claiming';
    try {
      claimant.step();
    } catch (error) {
      problems.push(`turn ${turn}: a claim threw ${(error as Error).message}`);
      break;
    }
    if (wasClaiming && claimant.phase === 'refused' && !world.alive(claimant.refusedBy!)) {
      problems.push(`turn ${turn}: refused by a stale holder ${JSON.stringify(claimant.refusedBy)}`);
    }
    invariants(turn);
  }
  if (problems.length) return problems.join('\n');
  if (claimants.some((c) => c.active)) return `still claiming after ${turn} turns`;

  const leftovers = () => world.names().filter((n) => n !== 'lock.pid');
  const crashed = claimants.some((c) => c.phase === 'crashed');
  const someoneHeld = claimants.some((c) => c.phase === 'done');
  if (!crashed && someoneHeld && leftovers().length) return `left behind: ${leftovers().join(', ')}`;
  if (!crashed && !bystander && world.holder()) return `the file remains after every release: ${world.holder()!.id}`;

  // The live holder ends; then one more claim, alone, takes whatever is left and releases it.
  if (bystander) world.files.delete('/run/lock.pid');
  const last = new Claimant(world.spawn(), world, 0, undefined);
  for (let i = 0; i < 10_000 && last.active; i += 1) last.step();
  if (last.phase !== 'done') return `the last claim ended ${last.phase} (${JSON.stringify(last.refusedBy)})`;
  if (world.names().length) return `left behind after the last claim: ${world.names().join(', ')}`;
  return '';
}

describe('exclusive PID file, every interleaving and crash point', () => {
  it('one holder at a time; stale holders taken over, live ones never; nothing left behind', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(check(s)).toBe('');
      }),
      { seed: 42, numRuns: 600 },
    );
  });

  it('reads back what it writes, in both formats', () => {
    const world = new PidFileWorld('/run/lock.pid', 'pid-line');
    const holder = world.holderOf(world.spawn(42, '1234'));
    world.plant('lock.pid', holder);
    expect(world.files.get('/run/lock.pid')).toBe('42 1234\n');
    expect(parseHolder('42 1234\n')).toMatchObject({ id: holder.id, pid: 42, startTicks: '1234' });
  });
});
