/**
 * Single-quotes a value for a POSIX `sh` command line (paths from the run config reach shell
 * commands). Secrets never go on a command line: they travel on stdin.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
