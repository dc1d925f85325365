import { type FileHandle, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { type JournalEntry, type JournalSummary, summarizeJournal } from '../../../shared/domain/run-journal';
import { openRegularFileToAppend, readRegularFile, readRegularFileSync } from '../../core/regular-file';

/** Where runs live: `<app data>/runs/<run id>/` holds the journal and the run's SSH key. */
export function runDir(dataDir: string, runId: string): string {
  return join(dataDir, 'runs', runId);
}

/** The run's private SSH key (the key pair's other half lives in EC2 until teardown). */
export function runKeyFile(dataDir: string, runId: string): string {
  return join(runDir(dataDir, runId), 'id_ed25519');
}

const JOURNAL = 'journal.jsonl';
// Only a regular file is read (never through a link, never blocking on a FIFO); a journal is a few KiB per launch.
const JOURNAL_LIMIT = { what: 'a run journal', maxBytes: 16 * 1024 * 1024 };

// Entries are written without their time by callers; the journal stamps them.
type Unstamped = JournalEntry extends infer E ? (E extends unknown ? Omit<E, 'at'> : never) : never;

/** Something that takes journal lines; the provisioner depends on this, tests wrap it to simulate a kill. */
export interface JournalWriter {
  append(entry: Unstamped): Promise<void>;
}

/**
 * An append-only JSON-lines journal, one per run. Each line is fsync'd before `append`
 * resolves: an intent is on disk before the create call it announces is made, so a crash
 * at any point leaves a journal that tells recovery what may exist.
 */
export class RunJournal implements JournalWriter {
  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    private readonly now: () => number,
  ) {}

  /** Opens (creating if needed) the journal of `runId` for appending. */
  static async open(dataDir: string, runId: string, now: () => number): Promise<RunJournal> {
    const dir = runDir(dataDir, runId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, JOURNAL);
    // Never through a link, nor into a FIFO, planted at its name: the intents would land elsewhere.
    const file = await openRegularFileToAppend(path);
    await syncFolder(dir);
    return new RunJournal(path, file, now);
  }

  async append(entry: Unstamped): Promise<void> {
    const line = JSON.stringify({ ...entry, at: new Date(this.now()).toISOString() }) + '\n';
    await this.file.write(line);
    await this.file.sync();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

// A new file's name is durable only once its folder is fsync'd (Linux); elsewhere this is best effort.
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // Windows cannot open a folder for sync; NTFS journals metadata itself.
  }
}

/**
 * Reads a journal. A last line cut short by a crash mid-write is ignored (the intent it
 * held was not fsync'd, so its call was never made).
 */
export async function readJournal(dataDir: string, runId: string): Promise<JournalEntry[]> {
  const path = join(runDir(dataDir, runId), JOURNAL);
  const text = await readRegularFile(path, JOURNAL_LIMIT);
  if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, '${path}'`), { code: 'ENOENT' });
  return parseJournal(text);
}

/** Whether a run's journal is closed now (a spot relaunch's launch opens a closed one again); false when unreadable. */
export function journalClosedSync(dataDir: string, runId: string): boolean {
  try {
    const text = readRegularFileSync(join(runDir(dataDir, runId), JOURNAL), JOURNAL_LIMIT);
    return text !== undefined && (summarizeJournal(parseJournal(text))?.closed ?? false);
  } catch {
    return false;
  }
}

// The lines of a journal, up to a torn last line.
function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      break;
    }
  }
  return entries;
}

/** Every run with a readable journal, oldest first. */
export async function listJournals(dataDir: string): Promise<JournalSummary[]> {
  let ids: string[];
  try {
    ids = await readdir(join(dataDir, 'runs'));
  } catch {
    return [];
  }
  const summaries: JournalSummary[] = [];
  for (const id of ids.sort()) {
    const summary = await readJournal(dataDir, id).then(summarizeJournal, () => undefined);
    if (summary) summaries.push(summary);
  }
  return summaries.sort((a, b) => a.openedAt.localeCompare(b.openedAt));
}

/** Appends one line to a run's journal (teardown and recovery, from any process). */
export async function appendToJournal(
  dataDir: string,
  runId: string,
  now: () => number,
  entries: Unstamped[],
): Promise<void> {
  const journal = await RunJournal.open(dataDir, runId, now);
  try {
    for (const entry of entries) await journal.append(entry);
  } finally {
    await journal.close();
  }
}

/** How a journal closes. */
export type ClosedOutcome = Extract<JournalEntry, { type: 'closed' }>['outcome'];

/**
 * Closes a run's journal (after `entries`, e.g. the deletions that justify it) and removes the
 * run's private key with it: once nothing of the run is left, its key opens nothing and is not
 * left on the desktop. The one way a journal closes.
 */
export async function closeRunJournal(
  dataDir: string,
  runId: string,
  now: () => number,
  outcome: ClosedOutcome,
  entries: Unstamped[] = [],
): Promise<void> {
  await appendToJournal(dataDir, runId, now, [...entries, { type: 'closed', outcome }]);
  await rm(runKeyFile(dataDir, runId), { force: true });
}
