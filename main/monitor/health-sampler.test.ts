import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { FakeClock } from '../aws/testing/fake-clock';
import { localHost } from '../host/local-host';
import { healthCommand, MARK } from './health-command';
import { HealthSampler } from './health-sampler';
import { DRIVER_FAILURE, TWO_GPU_CSV, writeFakeNvidiaSmi } from './testing/fake-nvidia-smi';

// No sshd helper (e2e/services/sshd.ts) existed when this was written: the sampler runs its
// real command through the local RemoteShell against this machine's real /proc and df.
const root = mkdtempSync(join(tmpdir(), 'traindeck-health-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sampler(pathDirs: string[]) {
  const clock = new FakeClock(0);
  const env = { ...process.env, PATH: [...pathDirs, '/usr/bin', '/bin'].join(':') };
  return { clock, sampler: new HealthSampler({ shell: localHost(env), clock, dataDir: root }) };
}

describe('HealthSampler on this machine through the local shell', () => {
  it('two samples: CPU %, load, memory, disk of the data folder, network rate, 2 GPUs from a fake nvidia-smi', async () => {
    const { clock, sampler: s } = sampler([
      writeFakeNvidiaSmi(join(root, 'gpu2'), TWO_GPU_CSV).replace(/\/nvidia-smi$/, ''),
    ]);
    const first = await s.sample();
    expect(first.cpuPct).toBeUndefined();
    await new Promise((r) => setTimeout(r, 120));
    clock.advance(5000);
    const second = await s.sample();
    expect(second.cpuPct).toBeGreaterThanOrEqual(0);
    expect(second.cpuPct).toBeLessThanOrEqual(100);
    expect(second.load?.one).toBeGreaterThanOrEqual(0);
    expect(second.memory!.totalBytes).toBeGreaterThan(second.memory!.usedBytes);
    expect(second.disk!.totalBytes).toBeGreaterThan(0);
    expect(second.network?.rxBytesPerSec).toBeGreaterThanOrEqual(0);
    expect(second.gpus).toHaveLength(2);
    expect(second.gpus![1]).toEqual({
      index: 1,
      name: 'NVIDIA A10G',
      utilizationPct: 64,
      memoryUsedMiB: 18001,
      memoryTotalMiB: 23028,
      temperatureC: 66,
      powerW: 187.1,
    });
    expect(second.gpuError).toBeUndefined();
    expect(second.problems).toBeUndefined();
  });

  it('no nvidia-smi on PATH is not an error: no GPUs, no gpuError', async () => {
    const { sampler: s } = sampler([]);
    const sample = await s.sample();
    expect(sample.gpus).toBeUndefined();
    expect(sample.gpuError).toBeUndefined();
    expect(sample.memory).toBeDefined();
  });

  it('nvidia-smi failing → "GPU metrics unavailable: <reason>", the rest of the sample intact', async () => {
    const { sampler: s } = sampler([
      writeFakeNvidiaSmi(join(root, 'broken'), DRIVER_FAILURE, 9).replace(/\/nvidia-smi$/, ''),
    ]);
    const sample = await s.sample();
    expect(sample.gpuError).toBe(`GPU metrics unavailable: ${DRIVER_FAILURE}`);
    expect(sample.memory).toBeDefined();
    expect(sample.disk).toBeDefined();
  });

  it('garbled sections cost only their fields; the next good sample is whole', () => {
    const s = new HealthSampler({ shell: localHost(), clock: new FakeClock(0), dataDir: '/' });
    const bad = s.parse(
      `${MARK}stat\n\u0000\u00ff garbage\n${MARK}mem\nMemTotal: lots\n${MARK}df\ndf: /data: No such file or directory\n${MARK}gpu\n0, A10G, 1`,
      0,
    );
    expect(bad).toEqual({
      at: 0,
      problems: ['cpu', 'memory', 'disk: df: /data: No such file or directory'],
      gpuError: 'GPU metrics unavailable: 0, A10G, 1',
    });
    const good = s.parse(`${MARK}mem\nMemTotal: 100 kB\nMemAvailable: 40 kB\n${MARK}load\n1 2 3 1/2 3`, 5000);
    expect(good.memory).toEqual({ usedBytes: 60 * 1024, totalBytes: 100 * 1024 });
    expect(good.load).toEqual({ one: 1, five: 2, fifteen: 3 });
  });

  it('network rates use /proc/uptime as the time base; disk fill ETA from growth', () => {
    const s = new HealthSampler({ shell: localHost(), clock: new FakeClock(0), dataDir: '/' });
    const out = (uptime: number, rx: number, usedKb: number) =>
      `${MARK}uptime\n${uptime} 1\n${MARK}net\n ens5: ${rx} 0 0 0 0 0 0 0 ${rx / 2} 0 0 0 0 0 0 0\n${MARK}df\n/dev/x 1000000 ${usedKb} 0 0% /data\n`;
    s.parse(out(100, 1000, 500_000), 0);
    const later = s.parse(out(110, 11_000, 510_000), 10_000);
    expect(later.network).toEqual({ rxBytesPerSec: 1000, txBytesPerSec: 500 });
    expect(later.disk?.fillEtaSeconds).toBeCloseTo(490, 5);
  });

  it('the command quotes the data folder', () => {
    expect(healthCommand("/data/it's")).toContain(`df -Pk '/data/it'\\''s'`);
  });
});
