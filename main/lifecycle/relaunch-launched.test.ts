import { describe, expect, it } from 'vitest';

import type { JournalEntry } from '../../shared/domain/run-journal';
import { relaunchLaunched } from './launch';

// Invariant: the instance a relaunch's launch got is read from that launch's own lines (after its
// `relaunch` line), never from an earlier attempt's: a TrainDeck killed during that launch left it,
// and the next one bills exactly it, ended when its teardown deleted it.

const at = (time: string) => `2026-12-06T${time}.000Z`;
const launched = (instanceId: string, zone: string, time: string): JournalEntry => ({
  type: 'attempt',
  at: at(time),
  n: 1,
  outcome: 'launched',
  instanceId,
  instanceType: 'g5.xlarge',
  zone,
  market: 'spot',
});
const ATTEMPT_1: JournalEntry[] = [
  { type: 'opened', at: at('03:00:00'), runId: 'r', region: 'eu-west-1', pid: 1 },
  launched('i-1', 'eu-west-1a', '03:00:10'),
  { type: 'deleted', at: at('03:50:00'), kind: 'instance', id: 'i-1' },
  { type: 'closed', at: at('03:50:01'), outcome: 'torn-down' },
];
const relaunch = (attempt: number, time: string): JournalEntry => ({
  type: 'relaunch',
  at: at(time),
  attempt,
  market: 'spot',
  reason: `spot relaunch ${attempt - 1} of 3`,
});

describe('relaunchLaunched', () => {
  it("names the instance of that attempt's launch, with the time its teardown deleted it", () => {
    const entries: JournalEntry[] = [
      ...ATTEMPT_1,
      relaunch(2, '03:50:02'),
      { type: 'opened', at: at('03:50:03'), runId: 'r', region: 'eu-west-1', pid: 2 },
      launched('i-2', 'eu-west-1b', '03:51:00'),
      { type: 'cleanup', at: at('09:00:00'), reason: 'teardown' },
      { type: 'deleted', at: at('09:00:05'), kind: 'instance', id: 'i-2' },
    ];
    expect(relaunchLaunched(entries, 2)).toEqual({
      instanceId: 'i-2',
      instanceType: 'g5.xlarge',
      zone: 'eu-west-1b',
      market: 'spot',
      launchedAt: at('03:51:00'),
      endedAt: at('09:00:05'),
    });
  });

  it('none when that launch got no instance, never began, or only an earlier attempt had one', () => {
    // Killed after the relaunch line, before RunInstances answered.
    expect(relaunchLaunched([...ATTEMPT_1, relaunch(2, '03:50:02')], 2)).toBeUndefined();
    // Killed before the relaunch line: attempt 1's instance is not attempt 2's.
    expect(relaunchLaunched(ATTEMPT_1, 2)).toBeUndefined();
    // Another attempt's relaunch.
    expect(relaunchLaunched([...ATTEMPT_1, relaunch(2, '03:50:02'), launched('i-2', 'z', '03:51:00')], 3)).toBe(
      undefined,
    );
  });

  it('not yet deleted: no end (the teardown has not found it yet)', () => {
    const entries = [...ATTEMPT_1, relaunch(2, '03:50:02'), launched('i-2', 'eu-west-1b', '03:51:00')];
    expect(relaunchLaunched(entries, 2)).not.toHaveProperty('endedAt');
  });
});
