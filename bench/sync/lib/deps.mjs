// Debian packages the benchmark needs: installed with apt-get if missing (root), waiting
// for another apt/dpkg run to release its lock instead of failing.
import { access, constants } from 'node:fs/promises';

import { run } from './proc.mjs';

const PACKAGES = { '/usr/bin/aws': 'awscli', '/usr/bin/rclone': 'rclone', '/usr/bin/time': 'time' };
const LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock'];

async function executable(path) {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function waitForApt(log) {
  for (let i = 0; i < 600; i++) {
    let r;
    try {
      r = await run('fuser', LOCKS);
    } catch {
      return; // no fuser: apt's own DPkg::Lock::Timeout still waits
    }
    if (r.code !== 0) return; // nobody holds them
    if (i % 30 === 0) log('waiting for the apt/dpkg lock held by another process...');
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new Error('apt/dpkg lock still held after 600 s');
}

/** Make sure the given binaries exist; install their packages otherwise. */
export async function ensurePackages(binaries, log) {
  const missing = [];
  for (const bin of binaries) if (!(await executable(bin))) missing.push(PACKAGES[bin]);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.join(' ')}: run as root or apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...missing], { env });
  log(`installing ${missing.join(' ')} (apt-get)...`);
  await waitForApt(log);
  let r = await install();
  if (r.code !== 0) {
    log('install failed; running apt-get update and retrying');
    await waitForApt(log);
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], { env });
    r = await install();
  }
  if (r.code !== 0) {
    throw new Error(
      `apt-get install ${missing.join(' ')} failed:\n${r.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  for (const bin of binaries) {
    if (!(await executable(bin))) throw new Error(`${bin} still missing after installing ${missing.join(' ')}`);
  }
}
