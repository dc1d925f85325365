import { NVIDIA_SMI_QUERY } from '../../shared/monitor/nvidia-smi';
import { shellQuote } from '../host/shell-quote';

/** Section markers: unlikely in /proc output, easy to split on. */
export const MARK = '@@td:';

/**
 * The one short command run per sample: every /proc file and df in one round trip, and
 * nvidia-smi only when installed (its absence prints `nogpu`, not an error). Each part runs
 * even if another fails, so a broken df still leaves CPU and memory.
 */
export function healthCommand(dataDir: string): string {
  return [
    `echo ${MARK}uptime; cat /proc/uptime 2>/dev/null`,
    `echo ${MARK}stat; head -n 1 /proc/stat 2>/dev/null`,
    `echo ${MARK}load; cat /proc/loadavg 2>/dev/null`,
    `echo ${MARK}mem; grep -E '^(MemTotal|MemFree|MemAvailable|Buffers|Cached):' /proc/meminfo 2>/dev/null`,
    `echo ${MARK}df; df -Pk ${shellQuote(dataDir)} 2>&1`,
    `echo ${MARK}net; cat /proc/net/dev 2>/dev/null`,
    `if command -v nvidia-smi >/dev/null 2>&1; then echo ${MARK}gpu; ${NVIDIA_SMI_QUERY} 2>&1; printf '\n${MARK}gpuexit %s\n' "$?"; else echo ${MARK}nogpu; fi`,
  ].join('; ');
}

/** The command's output cut into its sections by name (`gpuexit` carries the exit code). */
export function splitSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const close = () => {
    if (name !== undefined) sections.set(name, body.join('\n'));
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      close();
      const [section = '', ...rest] = line.slice(MARK.length).trim().split(/\s+/);
      name = section;
      body = rest.length ? [rest.join(' ')] : [];
    } else body.push(line);
  }
  close();
  return sections;
}
