#!/usr/bin/env node
// `npm run electron:fetch`: downloads the Electron binary where the network allows it.
// electron 45 has no install script (npm ci never downloads it, whatever
// ELECTRON_SKIP_BINARY_DOWNLOAD says); it downloads on first run. This does that download
// now, through electron's own installer (@electron/get, checked against electron's checksums),
// so that the Electron specs and `npm start` find it. Bounded: 10 minutes.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const electronDir = dirname(createRequire(join(process.cwd(), 'package.json')).resolve('electron/package.json'));
const { version } = createRequire(import.meta.url)(join(electronDir, 'package.json'));
console.log(`Fetching the Electron ${version} binary (about 100 MB, from github.com or ELECTRON_MIRROR)…`);
const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
  stdio: ['ignore', 'inherit', 'pipe'],
  encoding: 'utf8',
  timeout: 10 * 60_000,
  killSignal: 'SIGKILL',
});
if (result.status === 0) {
  console.log(`Electron ${version} is ready (${join(electronDir, 'dist')}).`);
  process.exit(0);
}
const detail =
  (result.stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /error|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT|certificate|status/i.test(line)) ??
  (result.error ? result.error.message : `exit ${result.status ?? result.signal}`);
// undici says only "fetch failed" when there is no route at all.
const reason = /fetch failed/.test(detail)
  ? 'the download request failed (no route to github.com from here, or a proxy in between)'
  : detail.replace(/\.$/, '');
console.error(
  [
    `Could not download Electron ${version}: ${reason}.`,
    'Run `npm run electron:fetch` again on a network that reaches github.com; behind a proxy set',
    'HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1, or point ELECTRON_MIRROR at a mirror. Until then,',
    '`npm run start:web` runs TrainDeck in a browser, and the Electron specs skip with this reason.',
  ].join('\n'),
);
process.exit(1);
