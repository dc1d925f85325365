import { describe, expect, it } from 'vitest';

import { hourlyCost } from '../pricing/estimate';
import { defaultAmiParameter, isGpuType, sshUserFor, vcpuQuotaFor } from './instance-family';
import { isKnownRegion, suggestRegion } from './regions';
import { type JournalEntry, summarizeJournal } from './run-journal';
import { makeRunId, RUN_ID_PATTERN } from './tags';

describe('instance families', () => {
  it('maps types to their vCPU quota per market', () => {
    expect(vcpuQuotaFor('g5.xlarge', 'on-demand')?.code).toBe('L-DB2E81BA');
    expect(vcpuQuotaFor('g5.xlarge', 'spot')?.code).toBe('L-3819A6DF');
    expect(vcpuQuotaFor('p4d.24xlarge', 'on-demand')?.code).toBe('L-417A185B');
    expect(vcpuQuotaFor('m7i.large', 'on-demand')?.code).toBe('L-1216C47A');
    expect(vcpuQuotaFor('inf2.xlarge', 'on-demand')?.code).toBe('L-1945791B');
    expect(vcpuQuotaFor('mac2.metal', 'on-demand')).toBeUndefined();
  });

  it('picks the Deep Learning AMI for NVIDIA GPU types and Amazon Linux 2023 otherwise', () => {
    expect(isGpuType('g6e.xlarge')).toBe(true);
    expect(isGpuType('m6g.large')).toBe(false); // Graviton's "g" is a suffix, not the series
    expect(defaultAmiParameter('g5.xlarge', 'x86_64')).toBe(
      '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id',
    );
    expect(defaultAmiParameter('t4g.small', 'arm64')).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    );
    expect(sshUserFor('Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)')).toBe('ubuntu');
    expect(sshUserFor('al2023-ami-2023.7')).toBe('ec2-user');
  });
});

describe('regions', () => {
  it('knows the real ones and suggests the closest to a typo', () => {
    expect(isKnownRegion('eu-west-1')).toBe(true);
    expect(suggestRegion('eu-wset-1')).toBe('eu-west-1');
    expect(suggestRegion('mars-north-9')).toBeUndefined();
  });
});

describe('price estimates', () => {
  it('prices running instances with their public IPv4, and stopped ones at zero', () => {
    expect(
      hourlyCost({ kind: 'instance', instanceType: 'g5.xlarge', state: 'running', hasPublicIp: true }),
    ).toBeCloseTo(1.011);
    expect(hourlyCost({ kind: 'instance', instanceType: 'g5.xlarge', state: 'stopped', hasPublicIp: false })).toBe(0);
    expect(hourlyCost({ kind: 'instance', instanceType: 'zz9.huge', state: 'running', hasPublicIp: false })).toBeNull();
    expect(hourlyCost({ kind: 'volume', volumeType: 'gp3', sizeGb: 730 })).toBeCloseTo(0.08);
  });
});

describe('run ids and journals', () => {
  it('makes resource-name-safe run ids', () => {
    const id = makeRunId('My Fine-Tune!', new Date('2025-06-01T12:34:56Z'), 'ab12');
    expect(id).toBe('my-fine-tune-20250601-123456-ab12');
    expect(RUN_ID_PATTERN.test(id)).toBe(true);
  });

  it('folds a journal: intents without results stay pending, even after a failed call', () => {
    const at = '2025-06-01T00:00:00Z';
    const entries: JournalEntry[] = [
      { type: 'opened', at, runId: 'r', region: 'eu-west-1', pid: 1 },
      { type: 'intent', at, step: 'key-pair', kind: 'key-pair', name: 'n' },
      { type: 'created', at, step: 'key-pair', kind: 'key-pair', id: 'key-1' },
      { type: 'intent', at, step: 'instance', kind: 'instance', name: 'n' },
      { type: 'failed', at: '2025-06-01T00:01:00Z', step: 'instance', message: 'timeout' },
    ];
    expect(summarizeJournal(entries)).toMatchObject({
      closed: false,
      created: [{ kind: 'key-pair', id: 'key-1' }],
      pendingIntents: ['instance'],
      lastFailure: 'instance: timeout',
      lastAt: '2025-06-01T00:01:00Z',
    });
  });
});
