#!/usr/bin/env node
// `npm run test:e2e [playwright args]`: Playwright, under `xvfb-run -a` where the Electron specs
// need a display and there is none (see ./e2e-display.mjs). Exits with Playwright's code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { playwrightInvocation } from './e2e-display.mjs';

/** Whether the Electron binary is there, read as main/composition/electron-binary.ts does (without loading electron). */
function electronFound() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return existsSync(process.env.ELECTRON_OVERRIDE_DIST_PATH);
  try {
    const dir = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('electron/package.json'));
    return existsSync(join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim()));
  } catch {
    return false;
  }
}

const invocation = playwrightInvocation({
  platform: process.platform,
  env: process.env,
  hasXvfbRun: spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0,
  electronFound: electronFound(),
  args: process.argv.slice(2),
});
if (invocation.note) console.log(invocation.note);
const result = spawnSync(invocation.command, invocation.args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
