import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';

import { afterEach, describe, expect, it } from 'vitest';

import { writeInside } from './inside-root';
import { walkMayBlock, walkMayBlockIn } from './walk-may-block';

// Invariant: the main thread never waits on a file system that may not answer. Break-it review of
// d794144 (the write gate's walk made synchronous): with a folder below the sync root on a FUSE
// mount whose daemon does not answer (sshfs after its server went away, a hung NFS), the first open
// froze the whole process (seen: no timer ran for 10 s until the process was killed); through the
// thread pool, only the walk waits.
const line = (at: string, type: string) => `36 25 0:31 / ${at} rw,relatime shared:1 - ${type} src rw`;

describe('walkMayBlockIn', () => {
  it('a root on a local disk with nothing mounted below: synchronous calls', () => {
    const mounts = [line('/', 'ext4'), line('/home/me/data2', 'nfs4'), line('/dev/shm', 'tmpfs')].join('\n');
    expect(walkMayBlockIn(mounts, '/home/me/data')).toBe(false);
    expect(walkMayBlockIn(mounts, '/dev/shm/run')).toBe(false);
  });

  it('a root on a network or FUSE file system, or with a mount below it: the pool', () => {
    const mounts = [line('/', 'ext4'), line('/mnt/share', 'nfs4'), line('/home/me/remote', 'fuse.sshfs')].join('\n');
    expect(walkMayBlockIn(mounts, '/mnt/share/data')).toBe(true);
    expect(walkMayBlockIn(mounts, '/home/me/remote')).toBe(true);
    expect(walkMayBlockIn(mounts, '/home/me')).toBe(true); // sshfs mounted below the root
    expect(walkMayBlockIn(`${line('/', 'ext4')}\n${line('/data/my\\040disk', 'cifs')}`, '/data/my disk/x')).toBe(true);
    expect(walkMayBlockIn(line('/', 'ext4'), '/')).toBe(false);
    expect(walkMayBlockIn('', '/data')).toBe(true); // nothing known: the safe way
  });
});

// A FUSE mount nobody serves: every call into it waits until the device is closed (then ENOTCONN).
const canMount = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/dev/fuse');
let holder: ChildProcess | undefined;
let mountPoint: string | undefined;
let dir: string | undefined;
afterEach(async () => {
  holder?.stdin?.end();
  if (holder && holder.exitCode === null) await new Promise((resolve) => holder!.once('exit', resolve));
  if (mountPoint) execFileSync('umount', ['-l', mountPoint]);
  if (dir) await rm(dir, { recursive: true, force: true });
  holder = mountPoint = dir = undefined;
});

describe.runIf(canMount)('a folder on a FUSE mount that never answers (root, /dev/fuse)', () => {
  it('the walk waits in the thread pool: the event loop runs before the walk settles', async (context) => {
    dir = await mkdtemp(join(tmpdir(), 'traindeck-fuse-'));
    const root = join(dir, 'root');
    await mkdir(join(root, 'mnt'), { recursive: true });
    // The shell holds the device for at most 5 s (or until its stdin closes): a walk that froze the
    // main thread is then released with ENOTCONN, and the test fails instead of hanging.
    holder = spawn(
      'bash',
      [
        '-c',
        'exec 3<>/dev/fuse && mount -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 traindeck-test "$1" && echo mounted && read -t 5 line',
        'bash',
        join(root, 'mnt'),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const mounted = await new Promise<boolean>((resolve) => {
      holder!.stdout!.once('data', () => resolve(true));
      holder!.once('exit', () => resolve(false));
    });
    if (!mounted) {
      console.log('skipped: this machine does not let the test mount FUSE (no CAP_SYS_ADMIN?)');
      return context.skip();
    }
    mountPoint = join(root, 'mnt');
    walkMayBlock(root, Date.now() + 60_000); // mountinfo read again now (it is kept for a second)
    const order: string[] = [];
    setImmediate(() => order.push('event loop'));
    const walk = writeInside(root, 'mnt/file.bin', async () => 'written').then(
      () => order.push('walk settled'),
      () => order.push('walk settled'),
    );
    await tick();
    holder.stdin!.end(); // the device closes: the waiting open fails with ENOTCONN
    await walk;
    // Before: the open ran on the main thread and held it until the device closed (5 s), then failed.
    expect(order).toEqual(['event loop', 'walk settled']);
  }, 30_000);
});
