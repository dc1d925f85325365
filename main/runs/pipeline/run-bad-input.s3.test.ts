import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateKey } from '../../../e2e/services/sshd';
import { freePort } from '../../../e2e/services/sshd';
import { createRunFixture, type RunFixture, type RunRecord } from './testing/run-fixture';

let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('badinput');
}, 120_000);
afterAll(() => f?.cleanup());

/** The phase failed with the reason, nothing after it ran except push, verification and teardown. */
function expectFailedIn(run: RunRecord, phase: 'checkout' | 'pulling', reason: RegExp) {
  expect(run.result.outcome).toBe('failed');
  expect(run.snapshot.phases[phase].status).toBe('failed');
  expect(run.snapshot.phases[phase].reason).toMatch(reason);
  expect(run.snapshot.phases.training.status).toBe('pending');
  expect(run.snapshot.phases.pushing.status).toBe('succeeded');
  expect(run.snapshot.phases['verifying-sync'].status).toBe('succeeded');
  expect(run.snapshot.phases['tearing-down'].status).toBe('succeeded');
}

describe('bad input: a clear error in its phase, then push of what exists and teardown', () => {
  it('branch missing', async () => {
    const run = await f.run(
      f.config((raw) => (raw.code.branch = 'no-such-branch')),
      f.sshHost(),
    );
    expectFailedIn(run, 'checkout', /branch "no-such-branch" does not exist/);
    expect(run.snapshot.phases.checkout.fix).toMatch(/code\.branch/);
  });

  it('a pinned commit is checked out; a commit that is not in the repo is a clear checkout error', async () => {
    const pinned = await f.run(
      f.config((raw) => {
        delete raw.code.branch;
        raw.code.commit = f.remote.commit;
        raw.training.env = { EPOCHS: '1' };
      }),
      f.sshHost(),
    );
    expect(pinned.result.outcome).toBe('succeeded');
    expect(pinned.snapshot.phases.checkout.detail).toMatchObject({ commit: f.remote.commit });
    const missing = await f.run(
      f.config((raw) => {
        delete raw.code.branch;
        raw.code.commit = 'deadbeefdeadbeef';
      }),
      f.sshHost(),
    );
    expectFailedIn(missing, 'checkout', /commit deadbeefdeadbeef is not in/);
  });

  it('repo unreachable', async () => {
    const port = await freePort();
    const run = await f.run(
      f.config((raw) => (raw.code.repoUrl = `ssh://git@127.0.0.1:${port}/nothing.git`)),
      f.sshHost(),
    );
    expectFailedIn(run, 'checkout', /unreachable/);
  });

  it('deploy key refused', async () => {
    const stranger = generateKey(f.dir, `stranger-${Date.now()}`);
    const run = await f.run(
      f.config((raw) => (raw.code.deployKeyFile = stranger.privateKeyFile)),
      f.sshHost(),
    );
    expectFailedIn(run, 'checkout', /deploy key was refused/);
  });

  it('override target outside the repo through a symlink in the repo', async () => {
    const run = await f.run(
      f.config((raw) => (raw.code.overrides = [{ source: join(f.dir, 'override.txt'), target: 'escape/evil.txt' }])),
      f.sshHost(),
    );
    expectFailedIn(run, 'checkout', /override target "escape\/evil.txt" is outside the repo/);
    expect(existsSync('/tmp/evil.txt')).toBe(false);
  });

  it('disk too small for the datasets (checked before pull against the object sizes)', async () => {
    const run = await f.run(
      f.config((raw) => (raw.training.diskReserveMb = 1_000_000_000)),
      f.sshHost(),
    );
    expectFailedIn(run, 'pulling', /disk too small: the pull needs .* reserve, .* free/);
  });

  it('"../" override targets and an empty command are refused by the config schema, before any machine', () => {
    expect(() => f.config((raw) => (raw.code.overrides = [{ source: 'x', target: '../outside.txt' }]))).toThrow(
      /override target must stay inside the repo/,
    );
    expect(() => f.config((raw) => (raw.training.command = '   '))).toThrow(/training.command is empty/);
  });
});
