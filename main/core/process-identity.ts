import { readFileSync } from 'node:fs';

/** True when a process with that id exists on this machine (signal 0 only checks; EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When the kernel started process `pid`, in clock ticks since boot (field 22 of Linux's
 * `/proc/PID/stat`), or undefined where there is no /proc (macOS, Windows) or no such process.
 *
 * Why: a PID written to a file outlives its process, and the kernel hands the number to a new
 * process later. Within one boot, PID + start time names one process only, so a file that records
 * both is never mistaken for (and never makes us signal) whoever got the number next.
 */
export function processStartTicks(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and ')': count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19]; // field 3 (state) is index 0, so field 22 is index 19
  return ticks && /^\d+$/.test(ticks) ? ticks : undefined;
}

/**
 * True when `pid` runs and is the process that recorded `startTicks` (when it recorded them and
 * this machine can tell); a live PID with another start time is a different process.
 */
export function sameProcessAlive(pid: number, startTicks: string | undefined): boolean {
  if (!processAlive(pid)) return false;
  if (startTicks === undefined) return true;
  const now = processStartTicks(pid);
  return now === undefined || now === startTicks;
}

/**
 * This process's start time as the optional `ticks` field of a journal line that names it by pid
 * (attach journal, run journal): empty where this machine cannot tell (no /proc).
 */
export function ownTicks(): { ticks?: string } {
  const ticks = processStartTicks(process.pid);
  return ticks === undefined ? {} : { ticks };
}
