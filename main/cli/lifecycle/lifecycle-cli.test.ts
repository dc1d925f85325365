import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { summarizeJournal } from '../../../shared/domain/run-journal';
import { TAG_CREATED_BY, TAG_RUN_ID } from '../../../shared/domain/tags';
import { readJournal, runDir, runKeyFile } from '../../lifecycle/journal/run-journal';
import { appendToJournal } from '../../lifecycle/journal/run-journal';
import { teardownRun } from '../../lifecycle/teardown';
import { type FakeWorld, fakeWorld } from '../../lifecycle/testing/fake-lifecycle';
import { appendAttach } from '../../runs/reattach/attach-journal';
import { stopRequestsWaiting, takeStopRequest } from '../../runs/stop-request';
import { runCli } from '../cli';
import type { CliCommand } from '../command';
import { createKillAllCommand } from '../commands/kill-all';
import { createLaunchCommand } from '../commands/launch';
import { createPreflightCommand } from '../commands/preflight';
import { createScanCommand } from '../commands/scan';
import { createTeardownCommand } from '../commands/teardown';

/** Runs one command built over the fake world, through the real CLI error handling. */
async function run(world: FakeWorld, make: (deps: () => FakeWorld['deps']) => CliCommand, ...args: string[]) {
  let out = '';
  let err = '';
  const command = make(() => world.deps);
  const io = {
    out: (t: string) => (out += t),
    err: (t: string) => (err += t),
    env: world.deps.env,
    projectRoot: process.cwd(),
  };
  const code = await command.run(args, io).catch(async (error: unknown) => {
    // As runCli does: an error is one line on stderr and its exit code.
    const message = error instanceof Error ? error.message : String(error);
    err += `traindeck: ${message.split('\n')[0]}\n`;
    return (error as { exitCode?: number }).exitCode ?? 1;
  });
  return { code, out, err };
}

async function writeConfig(world: FakeWorld, patch: Record<string, unknown> = {}): Promise<string> {
  const path = join(world.dir, 'run.json');
  await writeFile(path, JSON.stringify({ ...world.config, ...patch }));
  return path;
}

describe('lifecycle commands over the in-memory EC2', () => {
  it('are listed in --help', async () => {
    let out = '';
    await runCli(['--help'], { out: (t) => (out += t), err: () => {}, env: {}, projectRoot: process.cwd() });
    for (const name of ['preflight', 'launch', 'scan', 'kill-all', 'teardown']) {
      expect(out).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
    }
  });

  it('preflight prints every check and passes; --json is machine-readable', async () => {
    const world = await fakeWorld();
    const config = await writeConfig(world);
    const text = await run(world, createPreflightCommand, '--config', config);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^✓ Identity\s+123456789012/m);
    expect(text.out).toMatch(/Preflight passed\.\n$/);
    const json = await run(world, createPreflightCommand, '--config', config, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true });
  });

  it('an invalid config is one line naming the field, exit 2; a failing preflight exits 1', async () => {
    const world = await fakeWorld();
    const bad = await run(
      world,
      createPreflightCommand,
      '--config',
      await writeConfig(world, { storage: { ...world.config.storage, bucket: 'ab' } }),
    );
    expect(bad).toEqual({
      code: 2,
      out: '',
      err: 'traindeck: run.json: storage.bucket: a bucket name has 3 to 63 characters\n',
    });
    world.fake.quotas.set('L-DB2E81BA', 0);
    const failing = await run(world, createPreflightCommand, '--config', await writeConfig(world));
    expect(failing.code).toBe(1);
    expect(failing.out).toMatch(/^✗ vCPU quota .*\n\s+→ Request 4 or more/m);
    expect(failing.out).toMatch(/Preflight failed: nothing was created\.\n$/);
    const missing = await run(world, createPreflightCommand);
    expect(missing).toMatchObject({
      code: 2,
      err: 'traindeck: --config is required. Usage: traindeck preflight --config run.json [--json]\n',
    });
  });

  it('launch → scan → kill-all (dry run, then --yes) leaves 0 cost resources', async () => {
    const world = await fakeWorld();
    const launched = await run(world, createLaunchCommand, '--config', await writeConfig(world));
    expect(launched.code).toBe(0);
    expect(launched.out).toMatch(/→ 22\/tcp from 198\.51\.100\.23\/32 only/);
    expect(launched.out).toMatch(
      /Run demo-\d{8}-\d{6}-[0-9a-f]{4}: i-\w+ is reachable at 203\.0\.113\.\d+\.\n\s+ssh -i \S+id_ed25519 ubuntu@203\.0\.113\.\d+/,
    );

    const scan = await run(world, createScanCommand, '--all-regions');
    // eu-west-1's own prices from the fake Price List (1.11 × us-east-1's): $1.0110 and $1.0220 at the bundled figures.
    expect(scan.out).toMatch(/^eu-west-1\s+instance\s+i-\w+\s+g5\.xlarge\s+running\s+\S+\s+\$1\.1222\s+ours demo-/m);
    expect(scan.out).toMatch(
      /Regions: 3 scanned\nTotal: \$1\.1344\/h .*\(estimate: AWS prices of eu-west-1 fetched \d{4}-\d\d-\d\d\.\)/,
    );

    const dry = await run(world, createKillAllCommand);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/^Would delete 4 resource\(s\):/);
    expect(dry.out).toMatch(/Dry run: nothing deleted\./);
    expect(world.fake.writes.filter((w) => /delete|terminate/i.test(w))).toEqual([]);

    const real = await run(world, createKillAllCommand, '--yes');
    expect(real.code).toBe(0);
    expect(real.out).toMatch(/Rescan: 0 cost resources remain\.\n/);
    // The run's journal closes with the kill-all, and its private key goes with it.
    const runId = /Run (demo-\d{8}-\d{6}-[0-9a-f]{4})/.exec(launched.out)![1]!;
    expect(real.out).toContain(`Closed the journal of 1 run(s) and removed their SSH keys: ${runId}.`);
    expect(summarizeJournal(await readJournal(world.deps.dataDir, runId))?.closed).toBe(true);
    await expect(access(runKeyFile(world.deps.dataDir, runId))).rejects.toThrow(/ENOENT/);
    const after = await run(world, createScanCommand, '--all-regions', '--json');
    expect(JSON.parse(after.out)).toMatchObject({ totalHourlyUsd: 0, resources: [] });
  });

  it('kill-all --yes first asks another TrainDeck that runs a targeted run to stop it (a relaunch would launch again)', async () => {
    const world = await fakeWorld();
    const launched = await run(world, createLaunchCommand, '--config', await writeConfig(world));
    const runId = /Run (demo-\d{8}-\d{6}-[0-9a-f]{4})/.exec(launched.out)![1]!;
    // The app (another live process) runs the run: its run service takes stop requests as they come.
    const app = spawn('sleep', ['60'], { stdio: 'ignore' });
    appendAttach(runDir(world.deps.dataDir, runId), { type: 'owner', pid: app.pid! });
    const taken: string[] = [];
    const service = setInterval(() => {
      const reason = takeStopRequest(world.deps.dataDir, runId);
      if (!reason) return;
      taken.push(reason);
      // Its own teardown, then its end: the kill-all waits for it before deleting.
      appendFileSync(join(runDir(world.deps.dataDir, runId), 'events.jsonl'), '{"type":"finished"}\n');
    }, 50);
    try {
      const dry = await run(world, createKillAllCommand);
      expect(taken, 'a dry run asks nothing').toEqual([]);
      expect(dry.out).toMatch(/Dry run: nothing deleted\./);
      const real = await run(world, createKillAllCommand, '--yes');
      expect(real.code).toBe(0);
      expect(taken).toEqual([`stopped by traindeck kill-all (pid ${process.pid})`]);
      // Asked before the first deletion.
      expect(real.out).toContain(
        `Stopped 1 live run(s) of another TrainDeck first: ${runId}; waiting (at most 5 min) for them to end.`,
      );
      expect(real.err).not.toContain('had not ended');
      expect(real.out.indexOf('Stopped 1 live run')).toBeLessThan(real.out.indexOf('✓'));
      expect(real.out).toMatch(/Rescan: 0 cost resources remain\.\n/);
    } finally {
      clearInterval(service);
    }

    // Another run whose TrainDeck does not answer: said, with its pid, and the request withdrawn.
    const second = await run(world, createLaunchCommand, '--config', await writeConfig(world));
    const deafRun = /Run (demo-\d{8}-\d{6}-[0-9a-f]{4})/.exec(second.out)![1]!;
    appendAttach(runDir(world.deps.dataDir, deafRun), { type: 'owner', pid: app.pid! });
    const deaf = await run(world, (d) => createKillAllCommand(d, 300), '--yes');
    app.kill();
    expect(deaf.err).toContain(
      `! run ${deafRun} is run by another TrainDeck (pid ${app.pid}), which did not take the stop request within 0.3 s: stop it there, or it may launch again after this kill-all.`,
    );
    expect(deaf.out).toMatch(/Rescan: 0 cost resources remain\.\n/);
    expect(stopRequestsWaiting(world.deps.dataDir, deafRun)).toEqual([]);

    // Nothing bills now, but the app's run is between two spot attempts (nothing of it in AWS): asked all the same.
    const relaunching = 'demo-20261206-000000-beef';
    const app2 = spawn('sleep', ['60'], { stdio: 'ignore' });
    mkdirSync(runDir(world.deps.dataDir, relaunching), { recursive: true });
    const storage = { bucket: 'b', prefix: 'p', sseKeyFile: '/k', localRoot: '/l', folders: [] };
    appendAttach(runDir(world.deps.dataDir, relaunching), {
      type: 'run',
      pid: app2.pid!,
      backend: 'aws-ec2',
      name: relaunching,
      aws: { region: 'eu-west-1' },
      storage,
      baseDir: '/',
    });
    const took = setInterval(() => {
      if (!takeStopRequest(world.deps.dataDir, relaunching)) return;
      appendFileSync(join(runDir(world.deps.dataDir, relaunching), 'events.jsonl'), '{"type":"finished"}\n');
    }, 50);
    try {
      const nothing = await run(world, createKillAllCommand, '--yes');
      expect(nothing.out).toContain(`Stopped 1 live run(s) of another TrainDeck first: ${relaunching};`);
      expect(nothing.out).toMatch(/Nothing to delete\./);
    } finally {
      clearInterval(took);
      app2.kill();
    }
  });

  // Issue #17 (prices-ui, point 2): after waiting for the run's own teardown the kill-all printed "✓" and
  // "Deleted 4" for what that teardown had deleted: the run and the kill-all both claimed each deletion.
  it("kill-all --yes says what the stopped run's own teardown deleted as the run's, and deletes and counts only the rest", async () => {
    const world = await fakeWorld();
    const launched = await run(world, createLaunchCommand, '--config', await writeConfig(world));
    const runId = /Run (demo-\d{8}-\d{6}-[0-9a-f]{4})/.exec(launched.out)![1]!;
    const app = spawn('sleep', ['60'], { stdio: 'ignore' });
    appendAttach(runDir(world.deps.dataDir, runId), { type: 'owner', pid: app.pid! });
    let ownTeardown: Promise<unknown> | undefined;
    const service = setInterval(() => {
      if (ownTeardown || !takeStopRequest(world.deps.dataDir, runId)) return;
      // The app's run tears itself down (verified), then ends.
      ownTeardown = teardownRun(runId, {
        dataDir: world.deps.dataDir,
        ports: world.fake.ports(),
        clock: world.deps.clock,
        sleep: world.deps.sleep,
        regions: ['eu-west-1'],
      }).then(() => appendFileSync(join(runDir(world.deps.dataDir, runId), 'events.jsonl'), '{"type":"finished"}\n'));
    }, 50);
    try {
      const real = await run(world, createKillAllCommand, '--yes');
      expect(real.code).toBe(0);
      expect(real.out).toMatch(/^Deleting 4 resource\(s\):/);
      const gone = real.out.split('\n').filter((line) => line.startsWith('  – '));
      expect(gone).toHaveLength(4);
      for (const line of gone) expect(line).toMatch(new RegExp(`: already deleted by run ${runId}'s own teardown$`));
      expect(real.out).not.toContain('✓');
      expect(real.out).toContain(
        "Deleted 0 resource(s) (4 more already deleted by their run's own teardown). Rescan: 0 cost resources remain.\n",
      );
    } finally {
      clearInterval(service);
      app.kill();
    }
  });

  it('untracked resources need --include-untracked and the typed phrase', async () => {
    const world = await fakeWorld();
    world.fake.region('us-east-1').volumes.set('vol-theirs', {
      id: 'vol-theirs',
      volumeType: 'gp2',
      sizeGb: 10,
      state: 'available',
      tags: {},
      deleteOnTermination: false,
    });
    const untouched = await run(world, createKillAllCommand, '--yes');
    expect(untouched.out).toMatch(/^Nothing to delete\. 1 untracked resource\(s\) exist/);
    const dry = await run(world, createKillAllCommand, '--include-untracked');
    expect(dry.out).toContain('--yes --confirm "delete 1 untracked"');
    const refused = await run(world, createKillAllCommand, '--include-untracked', '--yes');
    expect(refused).toMatchObject({
      code: 2,
      err: 'traindeck: deleting 1 untracked resource(s) needs --confirm "delete 1 untracked".\n',
    });
    expect(world.fake.region('us-east-1').volumes.has('vol-theirs')).toBe(true);
    const done = await run(
      world,
      createKillAllCommand,
      '--include-untracked',
      '--yes',
      '--confirm',
      'delete 1 untracked',
    );
    expect(done.code).toBe(0);
    expect(world.fake.region('us-east-1').volumes.size).toBe(0);
  });

  it('teardown of an unknown run is one line, exit 1; a crashed run is announced at the next command', async () => {
    const world = await fakeWorld();
    const unknown = await run(world, createTeardownCommand, 'ghost-20250601-000000-0000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe(
      'traindeck: No journal and no resource tagged with run "ghost-20250601-000000-0000". — Check the id with `traindeck scan --all-regions`.\n',
    );

    const runId = 'crashed-20250601-000000-1111';
    await appendToJournal(world.deps.dataDir, runId, () => world.clock.now(), [
      { type: 'opened', runId, region: 'eu-west-1', pid: 2 ** 22 + 12345 },
    ]);
    world.fake.region('eu-west-1').volumes.set('vol-orphan', {
      id: 'vol-orphan',
      volumeType: 'gp3',
      sizeGb: 100,
      state: 'available',
      tags: { [TAG_RUN_ID]: runId, [TAG_CREATED_BY]: 'traindeck/test' },
      deleteOnTermination: false,
    });
    const scan = await run(world, createScanCommand);
    expect(scan.err).toBe(
      `! unfinished run ${runId} (eu-west-1): 1 resource(s), $0.0110/h — clean it up with \`traindeck teardown ${runId}\`.\n`,
    );
    const teardown = await run(world, createTeardownCommand, runId);
    expect(teardown).toMatchObject({ code: 0, out: expect.stringContaining(`Run ${runId} is closed.`) });
  });
});

describe('scan when no region answers', () => {
  it('fails in one line instead of claiming there is no cost', async () => {
    const world = await fakeWorld({ regions: ['eu-west-1'] });
    world.fake.refuseRegion('eu-west-1', 'UnauthorizedOperation');
    const result = await run(world, createScanCommand, '--region', 'eu-west-1');
    expect(result).toMatchObject({
      code: 1,
      err: 'traindeck: No region could be read: eu-west-1: no permission (UnauthorizedOperation). — Check the credentials and the network (`traindeck doctor`).\n',
    });
  });
});
