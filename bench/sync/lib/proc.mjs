// Child processes for the benchmark: every child gets its own process group (so a Ctrl-C
// aimed at the harness reaches the harness, which then stops exactly the groups it started),
// output is kept as a bounded tail, and timed runs go through GNU time for the peak RSS.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';

export const GNU_TIME = '/usr/bin/time';
const TAIL = 256 * 1024;
const live = new Set();
let stopping = false;
let firstNice = null;

/**
 * `--first`: every child from now on (each is a session of its own, so an autogroup of its own) and
 * the given running processes get autogroup nice -15. Linux's autogroup scheduler shares the CPUs per
 * session, so on a machine loaded by other sessions the measured tool and the RGW then run almost as
 * on a quiet one. Needs root (a negative nice); says so and goes on without it otherwise.
 */
export function runFirst(pids = []) {
  firstNice = -15;
  for (const pid of pids) preferSession(pid);
}

function preferSession(pid) {
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(firstNice));
  } catch (error) {
    console.error(
      `[bench] --first: cannot raise process ${pid}'s priority (${error.code ?? error.message}); run as root`,
    );
  }
}

function tailAppend(prev, chunk) {
  const next = prev + chunk.toString('utf8');
  return next.length > TAIL ? next.slice(-TAIL) : next;
}

/**
 * Run `cmd args` and resolve { code, signal, stdout, stderr, seconds } (never rejects for a
 * non-zero exit; rejects only if the program cannot be started).
 */
export function run(cmd, args, { env = process.env, cwd, timeoutMs = 20 * 60_000, evenWhenStopping = false } = {}) {
  return new Promise((resolve, reject) => {
    if (stopping && !evenWhenStopping) return reject(new Error(`not starting ${cmd}: the benchmark is stopping`));
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (firstNice !== null && child.pid) preferSession(child.pid);
    live.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c) => (stdout = tailAppend(stdout, c)));
    child.stderr.on('data', (c) => (stderr = tailAppend(stderr, c)));
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup(child);
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (timedOut) stderr += `\n[bench] timed out after ${timeoutMs / 1000} s`;
      resolve({ code, signal, stdout, stderr, seconds, timedOut });
    });
  });
}

/**
 * Run a measured command under GNU time: wall seconds (measured here, around the child) and
 * the peak RSS in KiB that GNU time reports (`%M`, from wait4's ru_maxrss).
 */
export async function timed(cmd, args, opts, rssFile) {
  await rm(rssFile, { force: true });
  const r = await run(GNU_TIME, ['-f', '%M', '-o', rssFile, cmd, ...args], opts);
  let rssKiB = null;
  try {
    const lines = (await readFile(rssFile, 'utf8')).trim().split('\n');
    const n = Number(lines.at(-1));
    if (Number.isFinite(n)) rssKiB = n;
  } catch {
    // time did not write the file (killed): no RSS
  }
  return { ...r, rssKiB };
}

function stopGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  setTimeout(() => {
    try {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3000).unref();
}

/**
 * Stop every child group this module started that is still running (on Ctrl-C/errors), and
 * start no more (except with `evenWhenStopping`: the server's own stop script).
 */
export async function stopAll() {
  stopping = true;
  const waiting = [...live].map((child) => new Promise((res) => child.once('close', res)));
  for (const child of live) stopGroup(child);
  await Promise.race([Promise.all(waiting), new Promise((res) => setTimeout(res, 6000))]);
}

export function lastLines(text, n = 8) {
  return text.trim().split('\n').slice(-n).join('\n');
}
