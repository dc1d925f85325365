#!/usr/bin/env node
// `npm start` runs this before Electron: on Linux, Chromium aborts at start when user
// namespaces are blocked (Ubuntu ≥ 23.10) and chrome-sandbox is not root-owned 4755. Say so,
// with the exact fix, instead of Chromium's one-line crash. Downloads the Electron binary
// first when it is missing (electron 45 would do it at launch anyway), since the helper ships with it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { linuxSandboxProblem } from './linux-sandbox.mjs';

if (process.platform !== 'linux') process.exit(0);

const electronDir = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('electron/package.json'));
const readTrimmed = (file) => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};
if (!process.env.ELECTRON_OVERRIDE_DIST_PATH && !existsSync(join(electronDir, 'dist', 'version'))) {
  const fetched = spawnSync(process.execPath, ['scripts/fetch-electron.mjs'], { stdio: 'inherit' });
  if (fetched.status !== 0) process.exit(1);
}
const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
const sandboxPath = join(distDir, 'chrome-sandbox');
const sandbox = existsSync(sandboxPath)
  ? (({ uid, mode }) => ({ path: sandboxPath, uid, mode }))(statSync(sandboxPath))
  : undefined;
const problem = linuxSandboxProblem({
  platform: process.platform,
  uid: process.getuid?.(),
  restrictUserns: readTrimmed('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
  usernsClone: readTrimmed('/proc/sys/kernel/unprivileged_userns_clone'),
  electronPath: join(distDir, readTrimmed(join(electronDir, 'path.txt')) ?? 'electron'),
  sandbox,
});
if (problem) {
  console.error(problem.join('\n'));
  process.exit(1);
}
