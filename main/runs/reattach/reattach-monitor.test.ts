import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../../shared/domain/run';
import { hourlyCost } from '../../../shared/pricing/estimate';
import { monitoringSchema } from '../../../shared/run-config/monitoring-section';
import { workLayout } from '../../executor/work-layout';
import { runDir } from '../../lifecycle/journal/run-journal';
import type { AwsMachine } from '../pipeline/compute-backend';
import type { RunObserver, TrainingPaths } from '../pipeline/run-observer';
import { appendAttach } from './attach-journal';
import { finishExecutor, reattachingService } from './testing/reattach-fixture';

// Invariant: a run reattached while it trains is watched by the monitor again (health, log tail,
// progress) from the reconnect to its end, with the EC2 instance and the monitoring settings the
// first TrainDeck had. The executor's `training started` line was read before the kill, so
// waiting for it (what a fresh run does) would leave the Runs page blank until the end.

const RUN = 'reattach-monitor-20261205-150000-ab12';
const storage = { bucket: 'td-data', prefix: 'runs/demo', region: 'eu-west-1', folders: [] };
const aws: AwsMachine = {
  instanceId: 'i-0abc',
  region: 'eu-west-1',
  instanceType: 'g5.xlarge',
  diskGb: 100,
  spot: false,
  launchedAt: 1_764_946_800_000,
};
const monitoring = monitoringSchema.parse({ sampleIntervalSeconds: 7 });

let dir: string;
let executor: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-reattach-monitor-'));
});
afterEach(async () => {
  executor?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** A run a killed TrainDeck left in training: its events, its attach journal, an executor process still going. */
function seedRunInTraining(): ReturnType<typeof workLayout> {
  const layout = workLayout(join(dir, 'work'), { storage, runId: RUN });
  mkdirSync(layout.logsDir, { recursive: true });
  const line = (seq: number, phase: string, status: string) =>
    JSON.stringify({ seq, at: '2026-12-05T15:00:00.000Z', phase, status }) + '\n';
  writeFileSync(layout.eventsFile, line(1, 'training', 'started'));
  writeFileSync(layout.trainLog, 'epoch 1 step 1 loss 0.9\n');
  // The "executor": a process that lives until the test lets it finish.
  executor = spawn('sleep', ['60'], { stdio: 'ignore' });
  const at = '2026-12-05T15:00:00.000Z';
  const events: Array<Partial<RunEvent>> = [
    { type: 'started', name: 'demo', backend: 'aws-ec2' },
    { type: 'phase', phase: 'preflight', status: 'succeeded' },
    { type: 'phase', phase: 'training', status: 'running' },
  ];
  const runFolder = runDir(dir, RUN);
  mkdirSync(runFolder, { recursive: true });
  writeFileSync(
    join(runFolder, 'events.jsonl'),
    events.map((e, i) => JSON.stringify({ ...e, runId: RUN, seq: i + 1, at }) + '\n').join(''),
  );
  appendAttach(runFolder, {
    type: 'run',
    pid: 999_999_999,
    backend: 'aws-ec2',
    name: 'demo',
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', prefix: 'runs/demo', sseKeyFile: 'k' } as never,
    baseDir: dir,
    monitoring,
  });
  appendAttach(runFolder, {
    type: 'machine',
    target: { kind: 'local' },
    workDir: layout.workDir,
    storage,
    sendS3Credentials: false,
    deadline: Date.now() + 60_000,
    aws,
  });
  appendAttach(runFolder, { type: 'executor', pid: executor.pid! });
  appendAttach(runFolder, {
    type: 'offsets',
    events: statSync(layout.eventsFile).size,
    train: statSync(layout.trainLog).size,
    sync: 0,
  });
  return layout;
}

describe('reattach and the monitor', () => {
  it('a run reattached in training is watched again at once (paths, EC2 instance, settings) and let go at its end', async () => {
    const layout = seedRunInTraining();
    const seen: Array<{ call: string; paths?: TrainingPaths; context?: unknown }> = [];
    const finish = () => {
      // The executor ends its training: its done line and status, then it exits.
      finishExecutor(layout, RUN, 2);
      executor?.kill('SIGTERM');
    };
    const observer: RunObserver = {
      trainingStarted: (_runId, _host, paths, context) => {
        seen.push({ call: 'started', paths, context });
        finish();
      },
      reconnected: () => void seen.push({ call: 'reconnected' }),
      ended: () => void seen.push({ call: 'ended' }),
    };
    const service = reattachingService(dir, observer);
    // What the banner shows as still billing: the instance with its public IPv4 and its root disk.
    const g5 = hourlyCost({ kind: 'instance', instanceType: 'g5.xlarge', state: 'running', hasPublicIp: true })!;
    const disk = hourlyCost({ kind: 'volume', volumeType: 'gp3', sizeGb: 100 })!;
    // Without the monitor's prices (this service has none): the bundled table, said so.
    expect(await service.unfinishedPriced()).toEqual([
      expect.objectContaining({
        runId: RUN,
        canFollow: true,
        instanceType: 'g5.xlarge',
        billing: expect.objectContaining({ hourlyUsd: g5 + disk, market: 'on-demand', region: 'eu-west-1' }),
      }),
    ]);
    expect(g5).toBeGreaterThan(1);
    service.reattach(RUN);
    // While it goes on, it is listed as taken over (a page loaded meanwhile keeps its banner), not as unfinished.
    expect(service.unfinished()).toEqual([]);
    expect(service.underWay()).toEqual([expect.objectContaining({ runId: RUN, takenOver: 'reattach' })]);
    const final = await service.wait(RUN);
    expect(service.underWay()).toEqual([]);
    expect(seen.map((s) => s.call)).toEqual(['started', 'ended']);
    expect(seen[0]!.paths).toEqual({
      dataDir: layout.dataDir,
      trainLog: layout.trainLog,
      metricsJsonl: layout.metricsFile,
      executorJsonl: layout.eventsFile,
      liveBar: layout.liveBarFile,
      // The folders a push moves (sized for the budget's stop model), as the run's layout names them.
      pushDirs: layout.pushDirs,
    });
    expect(seen[0]!.context).toEqual({ aws, monitoring });
    expect(final.state).toBe('succeeded');
    expect(final.phases['tearing-down'].status).toBe('succeeded');
  });
});
