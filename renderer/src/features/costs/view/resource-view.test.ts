import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CostResource } from '../../../../../shared/domain/cost';
import { arrangeResources, groupByRun, nameTag, type ResourceOrder, scanIsStale, scanningText } from './resource-view';

const resource = (id: string, over: Partial<CostResource> = {}): CostResource => ({
  kind: 'volume',
  region: 'eu-west-1',
  id,
  type: 'gp3 100 GB',
  state: 'available',
  tags: {},
  ours: false,
  hourlyUsd: 0.01,
  ...over,
});

const arbResource = fc.record({
  id: fc.uuid(),
  ours: fc.boolean(),
  hourlyUsd: fc.option(fc.double({ min: 0, max: 50, noNaN: true }), { nil: null }),
  runId: fc.option(fc.constantFrom('run-a', 'run-b', 'run-c'), { nil: undefined }),
});
const toResources = (list: { id: string; ours: boolean; hourlyUsd: number | null; runId: string | undefined }[]) =>
  list.map((r) =>
    resource(r.id, { ours: r.ours, hourlyUsd: r.hourlyUsd, ...(r.runId && r.ours ? { runId: r.runId } : {}) }),
  );

describe('arrangeResources: filter by owner, sort by $/h', () => {
  it('dearest first with unknown prices on top; cheapest first with unknown prices last; ties keep the scan order', () => {
    const list = [
      resource('a', { hourlyUsd: 0.005 }),
      resource('b', { hourlyUsd: null }),
      resource('c', { hourlyUsd: 1.006 }),
      resource('d', { hourlyUsd: 0.005 }),
    ];
    expect(arrangeResources(list, 'all', 'hourly-desc').map((r) => r.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(arrangeResources(list, 'all', 'hourly-asc').map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
    expect(arrangeResources(list, 'all', 'scan').map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('for any scan: a filter keeps exactly its owners, an order is a permutation in order, the input is untouched', () => {
    fc.assert(
      fc.property(
        fc.array(arbResource, { maxLength: 30 }),
        fc.constantFrom('all', 'ours', 'untracked' as const),
        fc.constantFrom<ResourceOrder>('scan', 'hourly-desc', 'hourly-asc'),
        (raw, filter, order) => {
          const list = toResources(raw);
          const before = list.map((r) => r.id);
          const shown = arrangeResources(list, filter, order);
          expect(list.map((r) => r.id)).toEqual(before);
          const expected = list.filter((r) => filter === 'all' || r.ours === (filter === 'ours'));
          expect(shown.map((r) => r.id).sort()).toEqual(expected.map((r) => r.id).sort());
          const prices = shown.map((r) => r.hourlyUsd ?? Infinity);
          for (let i = 1; i < prices.length; i++) {
            if (order === 'hourly-desc') expect(prices[i - 1]!).toBeGreaterThanOrEqual(prices[i]!);
            if (order === 'hourly-asc') expect(prices[i - 1]!).toBeLessThanOrEqual(prices[i]!);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('groupByRun: the kill dialog lists TrainDeck resources per run', () => {
  it('runs in the order first seen, then resources without a run; every resource exactly once', () => {
    const list = [
      resource('i-1', { ours: true, runId: 'run-b' }),
      resource('sg-1', { ours: true }),
      resource('vol-1', { ours: true, runId: 'run-a' }),
      resource('key-1', { ours: true, runId: 'run-b' }),
    ];
    expect(groupByRun(list).map((g) => [g.runId, g.resources.map((r) => r.id)])).toEqual([
      ['run-b', ['i-1', 'key-1']],
      ['run-a', ['vol-1']],
      [undefined, ['sg-1']],
    ]);
    fc.assert(
      fc.property(fc.array(arbResource, { maxLength: 30 }), (raw) => {
        const resources = toResources(raw);
        const groups = groupByRun(resources);
        expect(groups.flatMap((g) => g.resources.map((r) => r.id)).sort()).toEqual(resources.map((r) => r.id).sort());
        expect(new Set(groups.map((g) => g.runId)).size).toBe(groups.length);
        for (const group of groups) for (const r of group.resources) expect(r.runId).toBe(group.runId);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe('nameTag and scanIsStale', () => {
  it('the Name tag as the console shows it; none for an empty or missing one', () => {
    expect(nameTag(resource('i-1', { tags: { Name: ' gpu-box ' } }))).toBe('gpu-box');
    expect(nameTag(resource('i-1', { tags: { Name: '  ' } }))).toBeUndefined();
    expect(nameTag(resource('i-1'))).toBeUndefined();
  });

  it('scan progress reads "Scanning 3 / 17 regions…"; before the first report it says every region', () => {
    expect(scanningText({ done: 3, total: 17 })).toBe('Scanning 3 / 17 regions…');
    expect(scanningText({ done: 0, total: 1 })).toBe('Scanning 0 / 1 region…');
    expect(scanningText(undefined)).toBe('Scanning every region…');
  });

  it('no scan, a scan a minute old or an unreadable time is stale; a scan of 59 s is not', () => {
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(scanIsStale(undefined, now)).toBe(true);
    expect(scanIsStale('2026-12-05T09:59:01Z', now)).toBe(false);
    expect(scanIsStale('2026-12-05T09:59:00Z', now)).toBe(true);
    expect(scanIsStale('not a date', now)).toBe(true);
  });
});
