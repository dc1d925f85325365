import { createInterface } from 'node:readline';

import { acquireSyncLock } from '../sync-lock';

/**
 * A separate process that races for the sync lock of the root in argv[2] on command (stdin lines
 * `go`, `release`, `exit`), answering `ready`, `won`, `lost <message>`, `released` on stdout.
 */
const root = process.argv[2]!;
let release: (() => Promise<void>) | undefined;
const say = (line: string) => process.stdout.write(`${line.replace(/\n/g, ' ')}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'go') {
    acquireSyncLock(root).then(
      (done) => {
        release = done;
        say('won');
      },
      (error: Error) => say(`lost ${error.message}`),
    );
  } else if (line === 'release') {
    void (release ?? (() => Promise.resolve()))().then(() => {
      release = undefined;
      say('released');
    });
  } else if (line === 'exit') process.exit(0);
});
say('ready');
