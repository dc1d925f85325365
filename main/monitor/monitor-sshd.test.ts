import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { generateKey, type Sshd, startSshd } from '../../e2e/services/sshd';
import { FakeClock } from '../aws/testing/fake-clock';
import { createLogger } from '../core/logger';
import type { RemoteHost } from '../host/remote-host';
import type { RemoteShell } from '../host/remote-host';
import { createSshConnector } from '../ssh/ssh-remote-host';
import { HealthSampler } from './health-sampler';
import { RunMonitor } from './run-monitor';
import { RunWatcher } from './run-watcher';
import { TWO_GPU_CSV, writeFakeNvidiaSmi } from './testing/fake-nvidia-smi';
import { ManualTimers } from './testing/manual-timers';

// The real OpenSSH server of the run-pipeline tests, reached through the pipeline's ssh2
// RemoteHost and the monitor's thin adapter: no ssh code of the monitor's own.
let sshd: Sshd;
let dir: string;
let connect: () => Promise<RemoteHost>;
const hosts: RemoteHost[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-monitor-ssh-'));
  const key = generateKey(dir, 'user_key');
  sshd = await startSshd({ authorizedKeys: key.publicKey });
  const connector = createSshConnector(
    { host: sshd.host, port: sshd.port, username: sshd.user, privateKey: readFileSync(key.privateKeyFile) },
    { expected: [sshd.hostKeyFingerprint] },
    { attempts: 3, firstDelayMs: 100, maxDelayMs: 500, readyTimeoutMs: 5000 },
  );
  connect = async () => {
    const host = await connector.connect();
    hosts.push(host);
    return host;
  };
}, 30_000);
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close().catch(() => {})));
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The fake nvidia-smi goes first on PATH of every command (a login shell's PATH is sshd's). */
const withPath = (shell: RemoteShell, bin: string): RemoteShell => ({
  exec: (command, options) => shell.exec(`PATH=${bin}:$PATH; ${command}`, options),
});

const TRAIN = `#!/bin/sh
# A tiny "training": tqdm bars with \\r redraws, metrics.jsonl, the executor's phase line.
cd "$(dirname "$0")"; mkdir -p logs
echo '{"seq":1,"at":"2026-11-24T10:00:00.000Z","phase":"training","status":"started"}' >> logs/executor.jsonl
for i in $(seq $1 $2); do
  printf '2026-11-24T10:00:%02d.000Z %3d%%|#| %d/100 [00:%02d<00:10, 10.00it/s, loss=%s]\\r' $((i % 60)) $i $i $((i % 60)) "0.$((100 - i))" >> logs/train.log
  echo "{\\"step\\": $i, \\"total_steps\\": 100, \\"loss\\": 0.$((100 - i)), \\"accuracy\\": 0.$i}" >> logs/metrics.jsonl
done
`;

describe('monitor over a real sshd (the ssh2 RemoteHost is the monitor shell)', () => {
  it('samples health with 2 GPUs from a fake nvidia-smi on PATH', async () => {
    const bin = join(dir, 'bin');
    writeFakeNvidiaSmi(bin, TWO_GPU_CSV);
    const sampler = new HealthSampler({
      shell: withPath(await connect(), bin),
      clock: new FakeClock(0),
      dataDir: dir,
    });
    await sampler.sample();
    const sample = await sampler.sample();
    expect(sample.gpus?.map((g) => [g.index, g.utilizationPct, g.temperatureC])).toEqual([
      [0, 87, 71],
      [1, 64, 66],
    ]);
    expect(sample.cpuPct).toBeGreaterThanOrEqual(0);
    expect(sample.memory?.totalBytes).toBeGreaterThan(0);
    expect(sample.disk?.totalBytes).toBeGreaterThan(0);
    expect(sample.problems).toBeUndefined();
  });

  it('follows train.log and metrics.jsonl written by a training script; after the link drops, resumes with no line lost or repeated', async () => {
    const work = join(dir, 'work');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'train.sh'), TRAIN, { mode: 0o755 });
    const clock = new FakeClock(Date.parse('2026-11-24T10:00:00Z'));
    const timers = new ManualTimers(clock);
    const monitor = new RunMonitor({ runId: 'ssh-run', clock, timers, onDelta: () => {} });
    let host = await connect();
    await host.exec(`${work}/train.sh 1 40`);
    const paths = {
      dataDir: work,
      trainLog: `${work}/logs/train.log`,
      metricsJsonl: `${work}/logs/metrics.jsonl`,
      executorJsonl: `${work}/logs/executor.jsonl`,
    };
    const watcher = new RunWatcher({
      monitor,
      shell: host,
      paths,
      clock,
      log: createLogger({ level: 'error' }),
    });
    await watcher.tick(new AbortController().signal);
    expect(monitor.snapshot(50).progress).toMatchObject({ step: 40, totalSteps: 100, phase: { phase: 'training' } });

    await host.close();
    await (await connect()).exec(`${work}/train.sh 41 70`); // training goes on while the monitor is cut off
    await watcher.tick(new AbortController().signal); // every step fails on the closed link: skipped, not fatal
    host = await connect();
    watcher.setShell(host);
    await watcher.tick(new AbortController().signal);
    const snap = monitor.snapshot(50);
    const steps = snap.log.lines.map((l) => Number(/ (\d+)\/100 /.exec(l)?.[1]));
    expect(steps).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(snap.progress).toMatchObject({ step: 70, totalSteps: 100, metrics: { loss: 0.3, accuracy: 0.7 } });
    expect(snap.progress.fraction).toBeCloseTo(0.7);
  });
});
