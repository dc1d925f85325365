import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { workLayout } from '../../main/executor/work-layout';
import type { AttachEntry } from '../../main/runs/reattach/attach-journal';
import type { RunEvent } from '../../shared/domain/run';
import type { JournalEntry } from '../../shared/domain/run-journal';
import type { ExecutorStatus } from '../../shared/executor/protocol';
import { expectAccessible } from './axe';
import { collectProblems, nav, openApp, reloadApp, screenshot, shotAtWidths, useWebHost } from './support';

/**
 * The reattach banner through the real browser host and its real run service: the data folder
 * holds two runs a killed TrainDeck left, written the way main writes them (events.jsonl and
 * the fsync'd attach.jsonl, as the kill -9 harness leaves them):
 *  - an EC2 run killed while provisioning, in the in-memory account (TRAINDECK_FAKE_AWS=1) whose
 *    leftovers are tagged with its id: Tear down deletes them by tag and rescans;
 *  - a run on this computer killed during training, whose executor (a process of this test)
 *    still runs: Reattach follows it, the Runs page shows it live, and when it ends, the run is
 *    verified and torn down.
 * The banner shows both, keeps each until its teardown is verified, then lets it go.
 */
test.describe.configure({ timeout: 180_000 });

const EC2_RUN = 'bert-ft-20261122-181544-9f3c'; // the demo account's leftovers in us-east-1
const LOCAL_RUN = 'mnist-local-20261205-150000-cd34';
const DEAD_PID = 999_999_999;
const storage = { bucket: 'acme-ml-data', prefix: 'runs/mnist', region: 'eu-west-1', folders: [] };

let dir: string;
let executor: ChildProcess | undefined;
let layout: ReturnType<typeof workLayout>;
const hostEnv: NodeJS.ProcessEnv = { TRAINDECK_FAKE_AWS: '1' };

const jsonl = (entries: unknown[]) => entries.map((e) => JSON.stringify(e)).join('\n') + '\n';

function writeRun(dataDir: string, runId: string, events: Array<Record<string, unknown>>, attach: AttachEntry[]) {
  const runDir = join(dataDir, 'runs', runId);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const at = new Date(Date.now() - 20 * 60_000).toISOString();
  writeFileSync(
    join(runDir, 'events.jsonl'),
    jsonl(events.map((e, i) => ({ runId, seq: i + 1, at, ...e }) as RunEvent)),
    { mode: 0o600 },
  );
  writeFileSync(join(runDir, 'attach.jsonl'), jsonl(attach.map((e) => ({ ...e, at }))), { mode: 0o600 });
}

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-e2e-reattach-'));
  const dataDir = join(dir, 'data');
  const keyFile = join(dir, 'sse.key');
  writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  const runStorage = { bucket: 'acme-ml-data', prefix: 'runs/mnist', sseKeyFile: keyFile, localRoot: 'data' };

  writeRun(
    dataDir,
    EC2_RUN,
    [
      { type: 'started', name: 'bert-ft', backend: 'aws-ec2' },
      { type: 'phase', phase: 'preflight', status: 'succeeded', detail: { instanceType: 'g5.xlarge', checks: 9 } },
      { type: 'phase', phase: 'provisioning', status: 'running' },
      {
        type: 'phase',
        phase: 'provisioning',
        status: 'running',
        detail: {
          step: 'status-checks',
          progress: 'waiting for the status checks: 2 min of 15 min',
          elapsedSeconds: 120,
          limitSeconds: 900,
        },
      },
    ],
    [
      {
        type: 'run',
        pid: DEAD_PID,
        backend: 'aws-ec2',
        name: 'bert-ft',
        aws: { region: 'us-east-1' },
        storage: {
          ...runStorage,
          folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
        } as never,
        baseDir: dir,
      },
    ],
  );

  // Its lifecycle journal, as the launch leaves it: what it created so far (the demo account has both).
  const launched = new Date(Date.now() - 19 * 60_000).toISOString();
  const journal: JournalEntry[] = [
    { type: 'opened', at: launched, runId: EC2_RUN, region: 'us-east-1', instanceType: 'g5.xlarge', pid: DEAD_PID },
    { type: 'created', at: launched, step: 'volume', kind: 'volume', id: 'vol-0bert0000leftover1' },
    { type: 'created', at: launched, step: 'address', kind: 'address', id: 'eipalloc-0b3r7f7000000001' },
  ];
  writeFileSync(join(dataDir, 'runs', EC2_RUN, 'journal.jsonl'), jsonl(journal), { mode: 0o600 });

  // The run on this computer: its executor is a process that lives until the test ends it.
  layout = workLayout(join(dir, 'work', LOCAL_RUN), { storage, runId: LOCAL_RUN });
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(
    layout.eventsFile,
    jsonl([{ seq: 1, at: new Date().toISOString(), phase: 'training', status: 'started' }]),
  );
  writeFileSync(layout.trainLog, 'epoch 1 step 10 loss 0.812\n');
  executor = spawn('sleep', ['170'], { stdio: 'ignore' });
  writeRun(
    dataDir,
    LOCAL_RUN,
    [
      { type: 'started', name: 'mnist-local', backend: 'local' },
      ...(
        ['preflight', 'provisioning', 'connecting', 'bootstrapping', 'checkout', 'pulling', 'verifying'] as const
      ).map((phase) => ({ type: 'phase', phase, status: 'succeeded' })),
      { type: 'phase', phase: 'training', status: 'running' },
    ],
    [
      {
        type: 'run',
        pid: DEAD_PID,
        backend: 'local',
        name: 'mnist-local',
        aws: { region: 'eu-west-1' },
        storage: {
          ...runStorage,
          folders: [{ name: 'logs', local: 'logs', remote: 'logs', policy: 'local-wins' }],
        } as never,
        baseDir: dir,
      },
      {
        type: 'machine',
        target: { kind: 'local' },
        workDir: layout.workDir,
        storage,
        sendS3Credentials: false,
        deadline: Date.now() + 10 * 60_000,
      },
      { type: 'executor', pid: executor.pid! },
      {
        type: 'offsets',
        events: statSync(layout.eventsFile).size,
        train: statSync(layout.trainLog).size,
        sync: 0,
      },
    ],
  );
  // Read by startWebHost when the host starts, after this hook.
  hostEnv.TRAINDECK_DATA_DIR = dataDir;
});
test.afterAll(() => {
  executor?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const host = useWebHost(hostEnv);

/** The executor ends its training: its done line, its status, then it exits. */
function finishExecutor(): void {
  appendFileSync(
    layout.eventsFile,
    jsonl([{ seq: 2, at: new Date().toISOString(), phase: 'done', status: 'succeeded' }]),
  );
  const status: ExecutorStatus = {
    runId: LOCAL_RUN,
    outcome: 'succeeded',
    exitCode: 0,
    timings: {},
    pushed: true,
    manifest: [],
    prefixes: [],
    finishedAt: new Date().toISOString(),
  };
  writeFileSync(layout.statusFile, JSON.stringify(status));
  executor?.kill('SIGTERM');
}

test('the banner offers the unfinished runs on every page; Reattach follows one to a verified end, Tear down ends the other', async ({
  page,
}) => {
  const problems = await collectProblems(page);
  await openApp(page, host().url);

  const banner = page.getByRole('region', { name: '2 unfinished runs' });
  await expect(banner).toBeVisible();
  const ec2 = page.getByTestId(`unfinished-${EC2_RUN}`);
  const local = page.getByTestId(`unfinished-${LOCAL_RUN}`);
  await expect(ec2).toContainText('bert-ft was left unfinished when TrainDeck stopped during provisioning.');
  await expect(ec2).toContainText('AWS EC2 g5.xlarge');
  await expect(ec2).toContainText(/still billing about \$1\.\d\d\/h/);
  // Its machine was never reached: nothing to follow, only a teardown.
  await expect(ec2.getByRole('button', { name: /Reattach/ })).toHaveCount(0);
  await expect(local).toContainText('mnist-local was left unfinished when TrainDeck stopped during training.');
  await expect(local).toContainText('this computer · no cloud cost (your machine)');
  // On every page, not only Runs.
  for (const title of ['Costs', 'Settings', 'Launch']) {
    await nav(page, title).click();
    await expect(banner).toBeVisible();
  }
  await shotAtWidths(page, 'reattach-banner');
  await expectAccessible(page, 'the reattach banner');

  // Reattach, from the keyboard.
  await local.getByRole('button', { name: 'Reattach mnist-local' }).focus();
  await page.keyboard.press('Enter');
  await expect(local).toHaveAttribute('data-status', 'working');
  await expect(local.getByRole('status')).toContainText('Reattached: following it to its end (now: Train)');
  await local.getByRole('button', { name: 'Show on Runs' }).click();
  const monitor = page.getByTestId('run-monitor');
  await expect(monitor).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('phase-training')).toHaveAttribute('data-status', 'running');
  await shotAtWidths(page, 'reattach-following');
  await expectAccessible(page, 'a reattached run');

  // A page loaded meanwhile (a reload) still shows it under way: main lists it as taken over.
  await reloadApp(page);
  await expect(local).toHaveAttribute('data-status', 'working');
  await nav(page, 'Runs').click();
  await page.getByTestId('runs-history').getByRole('button', { name: 'mnist-local' }).click();

  finishExecutor();
  await expect(local).toHaveCount(0, { timeout: 60_000 });
  await expect(monitor).toHaveAttribute('data-state', 'succeeded');
  await expect(page.getByTestId('phase-tearing-down')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByText('mnist-local: succeeded')).toBeVisible();

  // The EC2 run's timeline shows the provisioning wait it was in (its journaled elapsed of the limit).
  await page.getByTestId('runs-history').getByRole('button', { name: 'bert-ft' }).click();
  await expect(page.getByTestId('provisioning-wait')).toContainText('Waiting: Status checks · 2 min of 15 min');
  await expect(page.getByRole('progressbar', { name: 'Provisioning wait: Status checks' })).toHaveAttribute(
    'aria-valuenow',
    '120',
  );
  await shotAtWidths(page, 'reattach-provisioning-wait');

  // Tear down: asked first, saying what happens to the training.
  await ec2.getByRole('button', { name: 'Tear down bert-ft' }).click();
  const dialog = page.getByTestId('teardown-dialog');
  await expect(dialog).toContainText('nothing trains there');
  await expect(dialog).toContainText('rescanned to prove nothing of it bills any more');
  await screenshot(page, 'reattach-teardown-confirm');
  await expectAccessible(page, 'the teardown confirmation');
  await page.getByTestId('teardown-confirm').click();
  await expect(ec2).toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByTestId('reattach-banner')).toHaveCount(0);
  await expect(page.getByText('bert-ft: failed')).toBeVisible();
  await expect(
    page.getByText(
      /TrainDeck stopped before the executor started\. Its teardown is verified: nothing of this run bills/,
    ),
  ).toBeVisible();
  // Its report: everything the journal names was deleted and confirmed gone by the rescan.
  await expect(page.getByTestId('runs-current')).toContainText('Failed');
  await expect(page.getByText('All gone, verified')).toBeVisible();
  await screenshot(page, 'reattach-all-done');

  // The next start (a reload asks main again) finds nothing unfinished.
  await reloadApp(page);
  await expect(page.getByTestId('reattach-banner')).toHaveCount(0);
  expect(problems).toEqual([]);
});
