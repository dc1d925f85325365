import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { createInterface } from 'node:readline';

/** What a racer claims: resolves (or returns) its release when it holds the lock, throws when refused. */
export type RaceClaim = () => Promise<() => unknown> | (() => unknown);

/**
 * The child side of a multi-process race (`startRacers`): claims on command (stdin lines `go`,
 * `release`, `exit`), answering `ready`, `won`, `lost <message>`, `released` on stdout.
 */
export function raceOnCommand(claim: RaceClaim): void {
  let release: (() => unknown) | undefined;
  const say = (line: string) => process.stdout.write(`${line.replace(/\n/g, ' ')}\n`);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'go') {
      Promise.resolve()
        .then(claim)
        .then(
          (done) => {
            release = done;
            say('won');
          },
          (error: Error) => say(`lost ${error.message}`),
        );
    } else if (line === 'release') {
      void Promise.resolve((release ?? (() => undefined))()).then(() => {
        release = undefined;
        say('released');
      });
    } else if (line === 'exit') process.exit(0);
  });
  say('ready');
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this process 0 to `maxMs` ms (the scheduler preempting it, a slow disk). */
const jitter = (maxMs: number) => Atomics.wait(pause, 0, 0, Math.random() * maxMs);

/**
 * A slow, preempted disk: every file call of this process (blocking or not) is delayed 0 to `maxMs`
 * ms before and after, which widens every window between two file calls, whatever code makes them
 * (live ESM bindings are updated). A file written with `writeFileSync`/`writeFile` is either
 * created already filled (`splitWrites` false: only races between whole file calls remain), or
 * created first and filled a moment later, as any process can be stopped between its open and
 * its write.
 */
export function slowDisk(maxMs: number, splitWrites: boolean): void {
  type Fn = (...args: never[]) => unknown;
  const slowed = <T extends Fn>(call: T) =>
    ((...args: Parameters<T>) => {
      jitter(maxMs);
      try {
        return call(...args);
      } finally {
        jitter(maxMs);
      }
    }) as T;
  const slowedAsync = <T extends Fn>(call: T) =>
    (async (...args: Parameters<T>) => {
      jitter(maxMs);
      try {
        return await call(...args);
      } finally {
        jitter(maxMs);
      }
    }) as unknown as T;
  const real = { ...fs };
  const realAsync = { ...fsp };
  fs.writeFileSync = slowed((path: fs.PathLike, data: string, options?: fs.WriteFileOptions) => {
    const flag = typeof options === 'object' && options?.flag ? options.flag : 'w';
    const mode = typeof options === 'object' && options?.mode ? options.mode : 0o666;
    if (!splitWrites) {
      // Filled before it appears: a temp file linked (exclusive) or renamed (replace) to the name.
      const temp = `${String(path)}.slow-disk-${process.pid}-${Math.random().toString(36).slice(2)}`;
      real.writeFileSync(temp, data, { mode });
      try {
        if (flag === 'wx') real.linkSync(temp, path);
        else real.renameSync(temp, path);
      } finally {
        real.rmSync(temp, { force: true });
      }
      return;
    }
    const fd = real.openSync(path, flag, mode);
    try {
      jitter(maxMs);
      real.writeSync(fd, data);
    } finally {
      real.closeSync(fd);
    }
  }) as typeof fs.writeFileSync;
  for (const name of ['linkSync', 'renameSync', 'readFileSync', 'rmSync', 'readdirSync'] as const) {
    (fs as Record<string, unknown>)[name] = slowed(real[name] as Fn);
  }
  fsp.writeFile = slowedAsync(async (path: fs.PathLike, data: string, options?: fs.WriteFileOptions) => {
    const flag = typeof options === 'object' && options?.flag ? options.flag : 'w';
    const mode = typeof options === 'object' && options?.mode ? options.mode : 0o666;
    if (!splitWrites) {
      const temp = `${String(path)}.slow-disk-${process.pid}-${Math.random().toString(36).slice(2)}`;
      await realAsync.writeFile(temp, data, { mode });
      try {
        if (flag === 'wx') await realAsync.link(temp, path);
        else await realAsync.rename(temp, path);
      } finally {
        await realAsync.rm(temp, { force: true });
      }
      return;
    }
    const handle = await realAsync.open(path, flag, mode);
    try {
      jitter(maxMs);
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  }) as typeof fsp.writeFile;
  for (const name of ['link', 'rename', 'readFile', 'rm', 'readdir'] as const) {
    (fsp as Record<string, unknown>)[name] = slowedAsync(realAsync[name] as Fn);
  }
  syncBuiltinESMExports();
}
