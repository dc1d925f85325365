import { raceOnCommand, slowDisk } from '../../core/testing/race-on-command';
import { claimPushNow } from '../push-now';
import { workLayout } from '../work-layout';

/**
 * A separate process that races for `push-now.pid` of the work folder in argv[2] on command
 * (`raceOnCommand`), as `executor.mjs push --folder …` does; `--slow-disk MS [--split-writes]` delays
 * each of its file calls by up to MS ms (`slowDisk`).
 */
const [workDir, option, ms, split] = process.argv.slice(2);
if (option === '--slow-disk') slowDisk(Number(ms), split === '--split-writes');
const layout = workLayout(workDir!, { runId: 'r1', storage: { bucket: 'b', prefix: 'p', region: 'r', folders: [] } });
raceOnCommand(() => claimPushNow(layout));
