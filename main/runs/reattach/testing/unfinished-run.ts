import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { RunEvent } from '../../../../shared/domain/run';
import type { MonitoringConfig } from '../../../../shared/run-config/monitoring-section';
import type { SyncFolder } from '../../../../shared/run-config/schema';
import { runDir } from '../../../lifecycle/journal/run-journal';
import type { AwsMachine } from '../../pipeline/compute-backend';
import { appendAttach } from '../attach-journal';

/** A g5.xlarge spot instance in eu-west-1 (100 GB root volume) launched at `at` (ISO 8601). */
export const spotMachine = (instanceId: string, zone: string, at: string): AwsMachine => ({
  instanceId,
  region: 'eu-west-1',
  instanceType: 'g5.xlarge',
  diskGb: 100,
  spot: true,
  zone,
  launchedAt: Date.parse(at),
});

/** What a killed TrainDeck left of an aws-ec2 run whose executor still runs on this computer (a local machine). */
export interface UnfinishedRunSeed {
  /** The desktop's events so far, in order (runId, seq and time are added). */
  events: Array<Partial<RunEvent>>;
  at: string;
  storage: { bucket: string; prefix: string; region: string; folders: SyncFolder[] };
  workDir: string;
  executorPid: number;
  /** Where the killed desktop had read the executor's files to. */
  offsets: { events: number; train: number; sync: number };
  aws?: AwsMachine;
  monitoring?: MonitoringConfig;
}

/** Writes the run's events.jsonl and attach journal (a dead owner, a local machine, the executor, the offsets). */
export function seedUnfinishedRun(dataDir: string, runId: string, seed: UnfinishedRunSeed): void {
  const runFolder = runDir(dataDir, runId);
  mkdirSync(runFolder, { recursive: true });
  writeFileSync(
    join(runFolder, 'events.jsonl'),
    seed.events.map((e, i) => JSON.stringify({ ...e, runId, seq: i + 1, at: seed.at }) + '\n').join(''),
  );
  appendAttach(runFolder, {
    type: 'run',
    pid: 999_999_999,
    backend: 'aws-ec2',
    name: 'demo',
    aws: { region: seed.storage.region },
    storage: { bucket: seed.storage.bucket, prefix: seed.storage.prefix, sseKeyFile: 'k' } as never,
    baseDir: dataDir,
    ...(seed.monitoring ? { monitoring: seed.monitoring } : {}),
  });
  appendAttach(runFolder, {
    type: 'machine',
    target: { kind: 'local' },
    workDir: seed.workDir,
    storage: seed.storage,
    sendS3Credentials: false,
    deadline: Date.now() + 60_000,
    ...(seed.aws ? { aws: seed.aws } : {}),
  });
  appendAttach(runFolder, { type: 'executor', pid: seed.executorPid });
  appendAttach(runFolder, { type: 'offsets', ...seed.offsets });
}
