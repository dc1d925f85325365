import { closeSync, futimesSync, open, writeSync } from 'node:fs';
import { rename } from 'node:fs/promises';

/**
 * Puts a small download that is already checked (size, SHA-256) under its name: its bytes go
 * into a new temp file, which gets the recorded mtime and is then renamed onto `target`. The
 * name appears only once the whole file is written (a crash leaves a temp file, which the next
 * sync removes, never a partial file under the name). The caller removes `temp` if this throws.
 *
 * Two calls go through libuv's thread pool, the two that can wait on the file system: the create
 * (`O_CREAT`: on ext4 without a journal a create after many deletes scans the recently deleted
 * inodes) and the rename (directory locks); made synchronously, the event loop and every socket
 * would wait with them (an all-synchronous landing was measured ~1.8x slower on a loaded machine).
 * The rest works on the open descriptor on this thread: the write (at most 1 MiB, into the page
 * cache), the mtime (`futimes`, no path lookup) and the close (on NFS a close flushes: a slow network
 * share then holds the main thread for one file's bytes). Each pool call cost the main thread
 * the wake-up of a pool thread and its own (~0.05 ms under load; ten per file were the largest item
 * of a 2,000-file pull's profile: bench/sync/README.md). No fsync: a process that dies leaves no
 * partial file under a name either way, and, like aws and rclone, a pull
 * pays no disk flush per file for power loss (the state file, written last, is fsynced).
 */
export async function landWholeFile(
  temp: string,
  bytes: Buffer,
  mtimeMs: number,
  target: string,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  // 'wx': a temp name is fresh (random); never write through something already there.
  const fd = await new Promise<number>((resolve, reject) =>
    open(temp, 'wx', (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  try {
    for (let written = 0; written < bytes.length;) {
      const wrote = writeSync(fd, bytes, written, bytes.length - written, written);
      if (wrote === 0) {
        throw new Error(`Writing ${temp} stopped: the disk took no more bytes. Free some space, then pull again.`);
      }
      written += wrote;
    }
    futimesSync(fd, new Date(), new Date(mtimeMs));
  } finally {
    closeSync(fd);
  }
  await rename(temp, target);
}
