import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RunEvent } from '../../shared/domain/run';
import { runConfigSchema } from '../../shared/run-config/schema';
import { silentLogger } from '../core/logger';
import { needsSpotPricing } from './run-cost-event';
import { RunService } from './run-service';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-run-cost-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = runConfigSchema.parse({
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: { bucket: 'td-data', sseKeyFile: 'missing.key' },
  compute: { instanceType: 'g5.xlarge', ttlMinutes: 60, market: 'spot' },
  code: { repoUrl: 'git@github.com:acme/train.git', branch: 'main', deployKeyFile: 'deploy' },
  training: { command: 'python train.py' },
});

describe('the cost event of a run', () => {
  it('is emitted and journaled just before `finished`, and is in the snapshot read back after a restart', async () => {
    const events: RunEvent[] = [];
    const service = new RunService({
      dataDir: dir,
      emit: (e) => events.push(e),
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('not reached')),
    });
    const { runId } = service.start({ config, baseDir: dir, backend: 'aws-ec2' });
    await service.wait(runId);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['cost', 'finished']);
    const journaled = (await readFile(join(dir, 'runs', runId, 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RunEvent);
    expect(journaled.find((e) => e.type === 'cost')).toMatchObject({
      upperBound: true,
      ownMachine: false,
      totalUsd: 0,
    });
    // Failed in preflight: nothing was launched, so nothing billed.
    const restarted = new RunService({
      dataDir: dir,
      emit: () => {},
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('x')),
    });
    expect(restarted.get(runId).cost).toMatchObject({
      totalUsd: 0,
      pricesAsOf: expect.any(String),
      items: expect.arrayContaining([
        expect.objectContaining({ kind: 'instance', label: 'Instance g5.xlarge (spot)' }),
      ]),
    });
  });

  it('prices a spot instance from the price history the lifecycle read', async () => {
    const events: RunEvent[] = [];
    const asked: string[] = [];
    const charge = { usd: 0.42, hours: 1.5, avgHourlyUsd: 0.28, points: 3, zone: 'eu-west-1a' };
    const spotPricing = async (runId: string) => (asked.push(runId), { source: 'history' as const, charge });
    const service = new RunService({
      dataDir: dir,
      emit: (e) => events.push(e),
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('x')),
      spotPricing,
    });
    const { runId } = service.start({ config, baseDir: dir, backend: 'aws-ec2' });
    await service.wait(runId);
    expect(asked).toEqual([runId]);
    const cost = events.find((e) => e.type === 'cost');
    expect(cost).toMatchObject({
      upperBound: false,
      items: expect.arrayContaining([
        expect.objectContaining({
          kind: 'instance',
          usd: 0.42,
          note: expect.stringContaining('from the price history: avg $0.28/h over 3 price points'),
        }),
      ]),
    });
    // Not asked for what is not a spot instance on EC2.
    const onDemand = service.start({
      config: { ...config, compute: { ...config.compute!, market: 'on-demand' } },
      baseDir: dir,
      backend: 'aws-ec2',
    });
    await service.wait(onDemand.runId);
    expect(asked).toEqual([runId]);
  });

  it('still finishes, at the upper bound, when the price lookup itself breaks', async () => {
    const events: RunEvent[] = [];
    const spotPricing = () => Promise.reject(new Error('bug'));
    const service = new RunService({
      dataDir: dir,
      emit: (e) => events.push(e),
      now: Date.now,
      log: silentLogger,
      resources: () => Promise.reject(new Error('x')),
      spotPricing,
    });
    const { runId } = service.start({ config, baseDir: dir, backend: 'aws-ec2' });
    await service.wait(runId);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['cost', 'finished']);
    expect(events.find((e) => e.type === 'cost')).toMatchObject({
      upperBound: true,
      items: expect.arrayContaining([
        expect.objectContaining({
          kind: 'instance',
          note: expect.stringContaining('upper bound (the spot price history could not be read)'),
        }),
      ]),
    });
  });
});

// Issue #17 (prices-ui, point 1): a spot run whose launch fell back to on-demand had its spot history read and used.
describe('needsSpotPricing', () => {
  const attempt = (market: 'spot' | 'on-demand') => ({
    attempt: 1,
    instanceId: 'i-1',
    instanceType: 'g5.xlarge',
    zone: 'eu-west-1a',
    market,
    startedAt: '2026-12-06T09:00:00.000Z',
  });
  it('reads the spot history only for an instance that launched spot', () => {
    const request = { config, backend: 'aws-ec2' as const };
    expect(needsSpotPricing(request)).toBe(true);
    expect(needsSpotPricing(request, { attempts: [attempt('spot')] })).toBe(true);
    expect(needsSpotPricing(request, { attempts: [attempt('on-demand')] })).toBe(false);
    expect(needsSpotPricing(request, { attempts: [attempt('spot'), attempt('on-demand')] })).toBe(true);
    expect(needsSpotPricing({ config, backend: 'ssh-host' })).toBe(false);
  });
});
