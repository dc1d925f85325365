import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

import type { Clock } from '../../core/clock';
import { FakeAws } from '../fake/fake-aws';
import { FakeEc2Region } from '../fake/fake-ec2-region';

/**
 * Real time running `scale` times faster from `start`: the fake's boot and shutdown delays
 * (tens of seconds on EC2) pass in a fraction of that while the CLI's own waits stay real.
 */
export function scaledClock(start: number, scale: number): Clock {
  const origin = Date.now();
  return { now: () => start + (Date.now() - origin) * scale };
}

// Maps survive JSON as { $map: entries }.
const replacer = (_key: string, value: unknown) => (value instanceof Map ? { $map: [...value] } : value);
const reviver = (_key: string, value: unknown) =>
  value && typeof value === 'object' && '$map' in value
    ? new Map((value as { $map: [unknown, unknown][] }).$map)
    : value;

/** The account's state as JSON (every region, bucket, role, parameter and the id counter), with the clock's time. */
export function saveFakeAws(fake: FakeAws): string {
  return JSON.stringify(
    {
      now: fake.options.clock.now(),
      account: fake.account,
      idsIssued: fake.idsIssued,
      regions: [...fake.regions.values()],
      buckets: fake.buckets,
      quotas: fake.quotas,
      parameters: fake.parameters,
      roles: fake.roles,
      profiles: fake.profiles,
    },
    replacer,
  );
}

/** The account of a {@link saveFakeAws} text, on `clock` (which should start at the saved `now`). */
export function loadFakeAws(text: string, clock: (savedNow: number) => Clock): FakeAws {
  const saved = JSON.parse(text, reviver) as {
    now: number;
    account: string;
    idsIssued: number;
    regions: Array<Record<string, unknown> & { name: string }>;
  } & Pick<FakeAws, 'buckets' | 'quotas' | 'parameters' | 'roles' | 'profiles'>;
  const fake = new FakeAws({ clock: clock(saved.now), regions: [] });
  fake.account = saved.account;
  fake.idsIssued = saved.idsIssued;
  for (const region of saved.regions) {
    fake.regions.set(region.name, Object.assign(new FakeEc2Region(region.name), region));
  }
  for (const key of ['buckets', 'quotas', 'parameters', 'roles', 'profiles'] as const) {
    for (const [name, value] of saved[key] as Map<string, never>) (fake[key] as Map<string, never>).set(name, value);
  }
  return fake;
}

/**
 * Writes the account to `file` when it changed since the last write: a temp file, then a
 * rename, so a reader (or a restarted server) sees the old state or the new one, never half.
 */
export function persistFakeAws(fake: FakeAws, file: string): () => void {
  let last = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return () => {
    const text = saveFakeAws(fake);
    // The clock's time changes on every read: compare without it.
    if (text.replace(/^\{"now":\d+(\.\d+)?,/, '') === last.replace(/^\{"now":\d+(\.\d+)?,/, '')) return;
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    last = text;
  };
}
