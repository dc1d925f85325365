#!/usr/bin/env node
/**
 * The instance-side program, bundled to one file and uploaded to the instance. This
 * skeleton answers `--version` so the desktop can check what it uploaded; the phases
 * (checkout, pull, verify, train, push) plug in here.
 */
import { APP_VERSION } from '../core/version';

const [command] = process.argv.slice(2);
if (command === '--version') {
  process.stdout.write(`${APP_VERSION}\n`);
} else {
  process.stderr.write(`traindeck-executor: unknown command "${command ?? ''}"; this build only answers --version\n`);
  process.exitCode = 2;
}
