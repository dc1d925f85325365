import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import { silentLogger } from '../core/logger';
import { processStartTicks } from '../core/process-identity';
import { runDir } from '../lifecycle/journal/run-journal';
import { appendAttach, type AttachEntry } from './reattach/attach-journal';
import { RunService } from './run-service';

// Invariants of the reattach list (RunService.unfinished):
//  - a run whose TrainDeck is gone is listed, also when the kernel has given that TrainDeck's pid to
//    another program since (the owner is its pid and start time, as recorded);
//  - an owner journaled without a start time (a TrainDeck older than the start times) is judged by its
//    pid alone, as it was then: alive pid, not listed;
//  - run-folder files are read only as regular files: an attach.jsonl that is a link or a FIFO is
//    neither followed nor waited on; the run is listed as unreadable, with the sentence, and the list
//    goes on (other runs listed); a reattach of it is refused with the same sentence.

const RUN = 'orphan-20261206-120000-ab12';
const OTHER = 'other-20261206-120000-cd34';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-unfinished-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function service(): RunService {
  return new RunService({
    dataDir: dir,
    emit: () => {},
    now: Date.now,
    log: silentLogger,
    resources: () => Promise.reject(new Error('not reached')),
  });
}

/** A run that was in training when its TrainDeck stopped: its events (no `finished`), and its attach journal. */
function seedRun(runId: string, owner: { pid: number; ticks?: string } | 'no journal'): string {
  const folder = runDir(dir, runId);
  mkdirSync(folder, { recursive: true });
  const at = '2026-12-06T12:00:00.000Z';
  const events: Array<Partial<RunEvent>> = [
    { type: 'started', name: runId.slice(0, 6), backend: 'ssh-host' },
    { type: 'phase', phase: 'training', status: 'running' },
  ];
  writeFileSync(
    join(folder, 'events.jsonl'),
    events.map((e, i) => JSON.stringify({ ...e, runId, seq: i + 1, at }) + '\n').join(''),
  );
  if (owner !== 'no journal') appendAttach(folder, runEntry(owner));
  return folder;
}

function runEntry(owner: { pid: number; ticks?: string }): AttachEntry {
  return {
    type: 'run',
    ...owner,
    backend: 'ssh-host',
    name: 'orphan',
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', prefix: 'p', sseKeyFile: 'k' } as never,
    baseDir: dir,
  };
}

describe('RunService.unfinished: who owns a run', () => {
  it('lists a run whose TrainDeck is gone though another program got its pid (start time differs)', () => {
    // This test process plays "the program that got the pid": alive, but started at another time than recorded.
    const mine = processStartTicks(process.pid)!;
    seedRun(RUN, { pid: process.pid, ticks: String(BigInt(mine) + 1n) });
    expect(
      service()
        .unfinished()
        .map((run) => run.runId),
    ).toEqual([RUN]);
  });

  it('does not list a run whose owner is the very process recorded (pid and start time)', () => {
    seedRun(RUN, { pid: process.pid, ticks: processStartTicks(process.pid)! });
    expect(service().unfinished()).toEqual([]);
  });

  it('judges an owner journaled without a start time by its pid alone, as before', () => {
    seedRun(RUN, { pid: process.pid });
    expect(service().unfinished()).toEqual([]);
    seedRun(OTHER, { pid: 4_194_400 }); // above pid_max: no such process
    expect(
      service()
        .unfinished()
        .map((run) => run.runId),
    ).toEqual([OTHER]);
  });
});

describe('RunService.unfinished: run-folder files it does not trust', () => {
  it('lists a run whose attach.jsonl is a link as unreadable, without reading through the link', () => {
    const folder = seedRun(RUN, 'no journal');
    // Outside the run folder: a journal that would make the run look followable (a machine to reach).
    const elsewhere = join(dir, 'elsewhere.jsonl');
    writeFileSync(elsewhere, JSON.stringify(runEntry({ pid: 4_194_400 })) + '\n');
    symlinkSync(elsewhere, join(folder, 'attach.jsonl'));
    seedRun(OTHER, { pid: 4_194_400 });
    const runs = service().unfinished();
    expect(runs.map((run) => run.runId).sort()).toEqual([OTHER, RUN].sort());
    expect(runs.find((run) => run.runId === RUN)).toMatchObject({
      canFollow: false,
      unreadable: {
        message: `${join(folder, 'attach.jsonl')} is a symbolic link, so TrainDeck did not read it.`,
        fix: expect.stringMatching(/move .* away \(or delete it\), then try again\./),
      },
    });
    expect(() => service().reattach(RUN)).toThrow(/attach\.jsonl is a symbolic link, so TrainDeck did not read it\./);
  });

  it('lists a run whose attach.jsonl is a FIFO as unreadable at once, never waiting for a writer', async () => {
    const folder = seedRun(RUN, 'no journal');
    const fifo = join(folder, 'attach.jsonl');
    execFileSync('mkfifo', [fifo]);
    // The old read blocked the main loop until someone wrote: this writer comes after 2 s (so the old
    // code ends, with a wrong answer, instead of hanging the test run); the new one never waits for it.
    const writer = spawn('sh', ['-c', `sleep 2; printf 'x\\n' > '${fifo}'`], { stdio: 'ignore' });
    try {
      expect(service().unfinished()).toMatchObject([
        { runId: RUN, canFollow: false, unreadable: { message: expect.stringMatching(/is a FIFO \(named pipe\)/) } },
      ]);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('leaves out a run whose events.jsonl is a link, and says so in the log', () => {
    const folder = runDir(dir, RUN);
    mkdirSync(folder, { recursive: true });
    const source = seedRun(OTHER, { pid: 4_194_400 });
    symlinkSync(join(source, 'events.jsonl'), join(folder, 'events.jsonl'));
    const warnings: string[] = [];
    const runs = new RunService({
      dataDir: dir,
      emit: () => {},
      now: Date.now,
      log: { ...silentLogger, warn: (message: string) => void warnings.push(message) },
      resources: () => Promise.reject(new Error('not reached')),
    });
    expect(runs.list().map((run) => run.runId)).toEqual([OTHER]);
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^run ${RUN} left out of the runs list: .*events\\.jsonl is a symbolic link`)),
    ]);
  });

  it('refuses to retry from a start.json that is a link (the settings are never read through it)', () => {
    const folder = seedRun(RUN, { pid: 4_194_400 });
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ backend: 'local', config: {} }));
    symlinkSync(join(dir, 'settings.json'), join(folder, 'start.json'));
    expect(() => service().recordedStart(RUN)).toThrow(
      /start\.json is a symbolic link, so TrainDeck did not read it\./,
    );
  });
});
