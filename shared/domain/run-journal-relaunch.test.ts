import { describe, expect, it } from 'vitest';

import { type JournalEntry, summarizeJournal } from './run-journal';

// Invariant: a journal is closed exactly when nothing of its run may exist. A spot relaunch closes
// it (the interrupted attempt's verified teardown), then launches again: from its new `opened` on,
// the run may hold resources, so the journal reads open until the next close.

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
const opened = (n: number): JournalEntry => ({ type: 'opened', at: at(n), runId: 'r-1', region: 'us-east-1', pid: 1 });

describe('a relaunched run journal', () => {
  const first: JournalEntry[] = [
    opened(0),
    { type: 'created', at: at(1), step: 'instance', kind: 'instance', id: 'i-1' },
    {
      type: 'ready',
      at: at(2),
      instanceId: 'i-1',
      publicIp: '203.0.113.1',
      sshUser: 'ec2-user',
      keyFile: 'k',
      hostKeyFingerprints: [],
    },
    { type: 'deleted', at: at(3), kind: 'instance', id: 'i-1' },
    { type: 'closed', at: at(4), outcome: 'torn-down' },
    { type: 'relaunch', at: at(5), attempt: 2, market: 'spot', reason: 'spot relaunch 1 of 2' },
  ];

  it('is closed after the teardown and the relaunch line, open again from the next launch', () => {
    expect(summarizeJournal(first)?.closed).toBe(true);
    const again = summarizeJournal([
      ...first,
      opened(6),
      { type: 'intent', at: at(7), step: 'instance', kind: 'instance', name: 'n' },
    ]);
    expect(again).toMatchObject({ closed: false, pendingIntents: ['instance'], openedAt: at(0) });
    expect(again?.ready).toBeUndefined();
    expect(summarizeJournal([...first, opened(6), { type: 'closed', at: at(8), outcome: 'torn-down' }])?.closed).toBe(
      true,
    );
  });
});
