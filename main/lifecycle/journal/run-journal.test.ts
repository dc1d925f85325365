import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { appendToJournal, journalClosedSync, listJournals, readJournal, runDir, RunJournal } from './run-journal';

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

  it('neither reads nor appends through a link or a FIFO planted at journal.jsonl (the run folder is the only place)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'traindeck-journal-'));
    const runId = 'r2-20250601-000000-bbbb';
    const opened = JSON.stringify({ type: 'opened', runId, region: 'eu-west-1', pid: 1, at: '2025-06-01T00:00:00Z' });
    await writeFile(join(dataDir, 'elsewhere.jsonl'), opened + '\n');
    await mkdir(runDir(dataDir, runId), { recursive: true });
    await symlink(join(dataDir, 'elsewhere.jsonl'), join(runDir(dataDir, runId), 'journal.jsonl'));
    await expect(readJournal(dataDir, runId)).rejects.toThrow(
      /journal\.jsonl is a symbolic link, so TrainDeck did not read it\./,
    );
    expect(journalClosedSync(dataDir, runId)).toBe(false);
    await expect(
      appendToJournal(dataDir, runId, Date.now, [{ type: 'closed', outcome: 'nothing-left' }]),
    ).rejects.toThrow(/journal\.jsonl is a symbolic link, so TrainDeck did not write to it\./);
    expect(await readFile(join(dataDir, 'elsewhere.jsonl'), 'utf8')).toBe(opened + '\n');
    expect(await listJournals(dataDir)).toEqual([]);

    await rm(join(runDir(dataDir, runId), 'journal.jsonl'));
    execFileSync('mkfifo', [join(runDir(dataDir, runId), 'journal.jsonl')]);
    // Without O_NONBLOCK both would wait for ever for a writer (reading) or a reader (appending).
    await expect(readJournal(dataDir, runId)).rejects.toThrow(/is a FIFO \(named pipe\), not a regular file/);
    await expect(
      appendToJournal(dataDir, runId, Date.now, [{ type: 'closed', outcome: 'nothing-left' }]),
    ).rejects.toThrow(/is a FIFO \(named pipe\), not a regular file, so TrainDeck did not write to it/);
  });
});
