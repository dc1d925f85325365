#!/usr/bin/env node
// `npm run dist [electron-builder args]`: builds, then packages with electron-builder. A macOS
// build without its signing and notarization variables stops first, with what to set
// (see ./mac-release.mjs), rather than producing an app that Gatekeeper blocks.
import { spawnSync } from 'node:child_process';

import { buildsForMac, macReleaseProblem } from './mac-release.mjs';

const args = process.argv.slice(2);
if (buildsForMac(args, process.platform)) {
  const problem = macReleaseProblem(process.env);
  if (problem) {
    console.error(problem.join('\n'));
    process.exit(1);
  }
}
const env =
  process.env.TRAINDECK_UNSIGNED_MAC === '1' ? { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } : process.env;
for (const [command, commandArgs] of [
  ['npm', ['run', '--silent', 'build']],
  ['npx', ['electron-builder', '--config', 'electron-builder.yml', ...args]],
]) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
