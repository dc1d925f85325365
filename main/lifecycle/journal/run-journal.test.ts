import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { listJournals, readJournal, RunJournal } from './run-journal';

describe('the run journal', () => {
  it('appends stamped lines and ignores a last line cut short by a crash', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traindeck-journal-'));
    const journal = await RunJournal.open(dataDir, 'r1-20250601-000000-aaaa', () => Date.parse('2025-06-01T00:00:00Z'));
    await journal.append({ type: 'opened', runId: 'r1-20250601-000000-aaaa', region: 'eu-west-1', pid: 1 });
    await journal.append({ type: 'intent', step: 'key-pair', kind: 'key-pair', name: 'n' });
    await journal.close();
    await appendFile(journal.path, '{"type":"created","step":"key-p');
    const entries = await readJournal(dataDir, 'r1-20250601-000000-aaaa');
    expect(entries.map((e) => e.type)).toEqual(['opened', 'intent']);
    expect(entries[0]?.at).toBe('2025-06-01T00:00:00.000Z');
    expect((await listJournals(dataDir)).map((s) => [s.runId, s.pendingIntents])).toEqual([
      ['r1-20250601-000000-aaaa', ['key-pair']],
    ]);
  });

  it('lists nothing when there is no runs folder yet', async () => {
    expect(await listJournals(join(tmpdir(), 'traindeck-none-' + Date.now()))).toEqual([]);
  });
});
