/**
 * Parsers for the text of Linux /proc files and `df`. Each returns undefined on anything it
 * does not recognise: a garbled section must cost one field of one sample, never the sampler.
 */

/** CPU time counters of the aggregate `cpu` line of /proc/stat, in clock ticks. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** Reads the `cpu  user nice system idle iowait irq softirq steal …` line. */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  if (values.length < 4 || values.some((v) => !Number.isFinite(v) || v < 0)) return undefined;
  // guest and guest_nice (fields 9, 10) are already counted in user and nice.
  const counted = values.slice(0, 8);
  const total = counted.reduce((a, b) => a + b, 0);
  const idle = (counted[3] ?? 0) + (counted[4] ?? 0);
  return { busy: total - idle, total };
}

/** Busy percentage between two readings; undefined when the counters went backwards (reboot). */
export function cpuPercent(previous: CpuTimes, current: CpuTimes): number | undefined {
  const total = current.total - previous.total;
  const busy = current.busy - previous.busy;
  if (total <= 0 || busy < 0) return undefined;
  return Math.min(100, (busy / total) * 100);
}

/** Reads /proc/loadavg. */
export function parseLoadAvg(text: string): { one: number; five: number; fifteen: number } | undefined {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (![one, five, fifteen].every((v) => v !== undefined && Number.isFinite(v))) return undefined;
  return { one: one as number, five: five as number, fifteen: fifteen as number };
}

/** Used and total memory from /proc/meminfo; "used" excludes reclaimable cache (MemAvailable). */
export function parseMemInfo(text: string): { usedBytes: number; totalBytes: number } | undefined {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+)(?:\s+kB)?/.exec(line.trim());
    if (match) kb.set(match[1] as string, Number(match[2]));
  }
  const total = kb.get('MemTotal');
  if (!total) return undefined;
  // Kernels before 3.14 lack MemAvailable: approximate it as the kernel later defined it.
  const available =
    kb.get('MemAvailable') ?? (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  return { usedBytes: Math.max(0, total - available) * 1024, totalBytes: total * 1024 };
}

/** Reads the last data line of `df -Pk PATH` (POSIX format, 1 KiB blocks). */
export function parseDf(text: string): { mount: string; usedBytes: number; totalBytes: number } | undefined {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() && !/^Filesystem\s/i.test(l));
  const fields = lines.at(-1)?.trim().split(/\s+/);
  if (!fields || fields.length < 6) return undefined;
  const total = Number(fields[1]);
  const used = Number(fields[2]);
  if (!Number.isFinite(total) || !Number.isFinite(used) || total <= 0) return undefined;
  return { mount: fields.slice(5).join(' '), usedBytes: used * 1024, totalBytes: total * 1024 };
}

/** Total received and sent bytes over every interface except loopback, from /proc/net/dev. */
export function parseNetDev(text: string): { rx: number; tx: number } | undefined {
  let rx = 0;
  let tx = 0;
  let seen = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!name || name === 'lo' || fields.length < 9 || fields.some((v) => !Number.isFinite(v))) continue;
    rx += fields[0] as number;
    tx += fields[8] as number;
    seen++;
  }
  return seen ? { rx, tx } : undefined;
}

/** Seconds since boot from /proc/uptime (used as an exact time base for rates). */
export function parseUptime(text: string): number | undefined {
  const value = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
