import { raceOnCommand, slowDisk } from '../../core/testing/race-on-command';
import { acquireSyncLock } from '../sync-lock';

/**
 * A separate process that races for the sync lock of the root in argv[2] on command (`raceOnCommand`);
 * `--slow-disk MS [--split-writes]` delays each of its file calls by up to MS ms (`slowDisk`).
 */
const [root, option, ms, split] = process.argv.slice(2);
if (option === '--slow-disk') slowDisk(Number(ms), split === '--split-writes');
raceOnCommand(() => acquireSyncLock(root!));
