import { describe, expect, it } from 'vitest';

import type { CostResource } from '../../../../../shared/domain/cost';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { killCardText } from './kill-scope';

function result(left: Partial<CostResource>[]): KillAllResult {
  const resources = left.map((r, i) => ({ id: `r-${i}`, kind: 'instance', region: 'us-east-1', ...r }));
  return {
    deleted: 2,
    survivors: [],
    unverifiedRegions: [],
    remainingHourlyUsd: 0,
    rescan: { resources, regions: [], scannedAt: '', totalHourlyUsd: 0, unpricedCount: 0, priceTableDate: '' },
  } as unknown as KillAllResult;
}

describe('the Costs page progress card says what was done', () => {
  it("a run's teardown is a teardown of that run, never a kill-all", () => {
    const text = killCardText({ kind: 'run', runId: 'gpt-small-20261205-090000-beef' }, result([]));
    expect(text).toEqual({
      label: 'Teardown of run gpt-small-20261205-090000-beef',
      cleanTitle: 'Nothing of this run remains',
    });
    expect(text.label).not.toMatch(/kill/i);
  });

  it('the kill-all says "0 cost resources remain" only when the rescan shows it of the whole account', () => {
    expect(killCardText({ kind: 'kill-all' }, result([]))).toEqual({
      label: 'Kill-all',
      cleanTitle: '0 cost resources remain',
    });
    // Key pairs and security groups bill nothing: still 0 cost resources.
    expect(killCardText({ kind: 'kill-all' }, result([{ kind: 'key-pair' }])).cleanTitle).toBe(
      '0 cost resources remain',
    );
    expect(killCardText({ kind: 'kill-all' }, result([{ kind: 'volume' }])).cleanTitle).toBe(
      'None of the deleted resources remain',
    );
  });

  it("a row's Delete is a deletion of that many resources, in real plurals", () => {
    expect(killCardText({ kind: 'rows', count: 1 }, result([{ kind: 'volume' }]))).toEqual({
      label: 'Deletion of 1 resource',
      cleanTitle: 'The deleted resource is gone',
    });
    expect(killCardText({ kind: 'rows', count: 3 }, undefined)).toEqual({
      label: 'Deletion of 3 resources',
      cleanTitle: 'None of the deleted resources remain',
    });
  });
});
