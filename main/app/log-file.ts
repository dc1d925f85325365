import { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Main's log file: one JSON line per entry, kept to about two files of `maxBytes`. */
export interface LogFile {
  readonly path: string;
  write(line: string): void;
  close(): void;
}

/**
 * Opens `main.log` in `dir` (Electron's `app.getPath('logs')`) for appending. Past `maxBytes`
 * it becomes `main.1.log` (replacing the older one) and a new file starts, so the folder never
 * grows without bound. Writes are synchronous: the lines before a crash are the ones that matter.
 * A write that fails (disk full) is dropped rather than thrown into the code that logged.
 */
export function openLogFile(dir: string, maxBytes = 5 * 1024 * 1024): LogFile {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'main.log');
  let fd: number | undefined;
  let size = 0;
  const open = (rollOver: boolean) => {
    size = statSize(path);
    if (size > 0 && (rollOver || size >= maxBytes)) {
      renameSync(path, join(dir, 'main.1.log'));
      size = 0;
    }
    fd = openSync(path, 'a', 0o600);
  };
  open(false);
  return {
    path,
    write(line) {
      if (fd === undefined) return;
      const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
      try {
        if (size + bytes.length > maxBytes && size > 0) {
          closeSync(fd);
          fd = undefined;
          open(true);
        }
        size += writeSync(fd!, bytes);
      } catch {
        // Logging must never fail the work it describes.
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function statSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
