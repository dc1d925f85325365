import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { startS3Cluster } from './s3-cluster';

// Invariant: the Ceph daemons a harness starts with S3_WATCH_PID never outlive it. Faults: the harness
// killed with SIGKILL (no cleanup of its own runs), and a live process that only shares the harness's PID
// (a reused PID). And the watchdog never outlives the cluster: a normal stop leaves nothing behind.

const HERE = resolve(import.meta.dirname);
const REPO = resolve(HERE, '..', '..');
// Bounded polls, not timed assertions: the watchdog looks every 0.5 s; s3-down.sh takes up to ~15 s.
const GONE = { timeout: 60_000, interval: 250 };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error(`cleanup failed: ${String(error)}`); // the test's own failure says more
    }
  }
});

/** The PIDs among `pids` whose command line still names `dir` (zombies and reused PIDs do not). */
function stillRunning(pids: number[], dir: string): number[] {
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(dir);
    } catch {
      return false;
    }
  });
}

/** The cluster's daemons (mon, OSD, gateway), then its watchdog if it has one. */
function clusterPids(dir: string): number[] {
  const daemons = readFileSync(join(dir, 'pids'), 'utf8').split(/\s+/).filter(Boolean).map(Number);
  const watchdogFile = join(dir, 'watchdog.pid');
  return existsSync(watchdogFile) ? [...daemons, Number(readFileSync(watchdogFile, 'utf8'))] : daemons;
}

/** Field 22 of /proc/PID/stat: the process's start time in clock ticks since boot. */
function startTime(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[19]);
}

function tempParent(prefix: string): string {
  const parent = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => {
    // Whatever a failed test left: stop it by its own PIDs, then the folder.
    execFileSync('bash', [join(HERE, 's3-down.sh'), join(parent, 'cluster')], { stdio: 'ignore', timeout: 60_000 });
    rmSync(parent, { recursive: true, force: true });
  });
  return parent;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

/** The benchmark's own start (TLS too), in a process of its own that then idles like a running bench. */
function startHarness(dir: string): ChildProcess {
  const harnessCode = [
    `const { startServer } = await import(${JSON.stringify(join(REPO, 'bench/sync/lib/server.mjs'))});`,
    `await startServer(${JSON.stringify(REPO)}, ${JSON.stringify(dir)}, process.env);`,
    `console.log('up');`,
    `setInterval(() => {}, 60_000);`,
  ].join('\n');
  const harness = spawn(process.execPath, ['--input-type=module', '-e', harnessCode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(() => harness.kill('SIGKILL'));
  return harness;
}

/** Every process whose command line names `dir`: s3-up.sh, the daemons, the watchdog. */
function processesNaming(dir: string): number[] {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  return stillRunning(pids, dir).filter((pid) => pid !== process.pid);
}

describe('S3_WATCH_PID: the cluster dies with its harness', () => {
  it('a harness killed with SIGKILL takes its Ceph daemons down (bench/sync/lib/server.mjs)', async () => {
    const dir = join(tempParent('traindeck-s3-watch-'), 'cluster');
    const harness = startHarness(dir);
    const firstLine = await new Promise<string>((done) => {
      const lines = createInterface({ input: harness.stdout! });
      lines.once('line', done);
      lines.once('close', () => done('(harness exited before the cluster was up)'));
    });
    expect(firstLine).toBe('up');
    const pids = clusterPids(dir);
    expect(stillRunning(pids, dir)).toEqual(pids);

    await killed(harness);

    await vi.waitFor(() => expect(stillRunning(pids, dir)).toEqual([]), GONE);
    expect(existsSync(dir)).toBe(false);
    expect(pids).toHaveLength(4); // mon, OSD, gateway, and the watchdog, gone too
  });

  it('a harness killed with SIGKILL while s3-up.sh is still starting leaves nothing running', async () => {
    const dir = join(tempParent('traindeck-s3-watch-early-'), 'cluster');
    const harness = startHarness(dir);
    // s3-up.sh has begun (its config is written), the cluster is not up yet (or only just).
    await vi.waitFor(() => expect(existsSync(join(dir, 'ceph.conf'))).toBe(true), GONE);

    await killed(harness);

    // s3-up.sh finishes the start (its owner's death does not reach it), then the watchdog's first
    // look finds the owner gone. Bounded: a start (up to ~20 s on this loaded machine) plus a stop.
    await vi.waitFor(() => expect(processesNaming(dir)).toEqual([]), { timeout: 100_000, interval: 250 });
    expect(existsSync(dir)).toBe(false);
  }, 150_000);

  it('a normal start and stop leaves no watchdog behind (e2e/services/s3-cluster.ts)', async () => {
    const cluster = startS3Cluster({});
    cleanups.push(() => cluster.stop());
    const dir = cluster.dir!;
    const pids = clusterPids(dir);
    const watchdog = pids.at(-1)!;
    // The watchdog recognised this process (right PID and start time) and left the cluster alone.
    await vi.waitFor(
      () => expect(readFileSync(join(dir, 'log', 'watchdog.out'), 'utf8')).toContain(`pid ${process.pid} (start`),
      GONE,
    );
    expect(readFileSync(join(dir, 'log', 'watchdog.out'), 'utf8')).toContain('is running; watching it');
    expect(stillRunning(pids, dir)).toEqual(pids);

    cluster.stop();

    await vi.waitFor(() => expect(stillRunning([watchdog], dir)).toEqual([]), GONE);
    expect(stillRunning(pids, dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('a live process with the harness PID but another start time is not the harness (PID reuse)', async () => {
    // A stand-in cluster (no Ceph needed): one "daemon" whose command line names DIR/ceph.conf, as
    // s3-down.sh requires before it stops a PID.
    const dir = join(tempParent('traindeck-s3-watch-reuse-'), 'cluster');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ceph.conf'), '');
    const daemon = spawn('tail', ['-f', '/dev/null', join(dir, 'ceph.conf')], { detached: true, stdio: 'ignore' });
    cleanups.push(() => daemon.kill('SIGKILL'));
    writeFileSync(join(dir, 'pids'), `${daemon.pid}\n`);
    // This process is alive, but with another start time it is not the process the watchdog was given.
    const watchdog = spawn(
      join(HERE, 's3-watchdog.sh'),
      [String(process.pid), String(startTime(process.pid) + 1), dir],
      { stdio: 'ignore' },
    );
    cleanups.push(() => watchdog.kill('SIGKILL'));

    await vi.waitFor(() => expect(stillRunning([daemon.pid!, watchdog.pid!], dir)).toEqual([]), GONE);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an S3_WATCH_PID that is not a running process, before starting anything', () => {
    const dir = join(tempParent('traindeck-s3-watch-bad-'), 'cluster');
    let stderr = '';
    try {
      execFileSync('bash', [join(HERE, 's3-up.sh'), dir], {
        env: { ...process.env, S3_WATCH_PID: 'harness' },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 60_000,
      });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain(
      's3-up: error: S3_WATCH_PID=harness is not a running process: set it to the PID of the process that owns the cluster',
    );
    expect(existsSync(dir)).toBe(false);
  });
});
