import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_SETTINGS, MONITORING_BOUNDS, NOTIFICATION_TOPICS, THEMES } from '../../shared/domain/settings';
import { appSettingsSchema, settingsPatchSchema } from '../../shared/settings/app-settings-schema';
import { SettingsStore } from './settings-store';

/**
 * Main's settings store. Invariants: what `current()` answers always passes the schema (whatever
 * the page sent and whatever the file held); a change is saved whole or refused whole; what was
 * saved is what the next start reads; a hostile file is never used, only said.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-settings-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const file = () => join(dir, 'settings.json');

describe('SettingsStore', () => {
  it('a fresh install has the defaults and no problem, and writes nothing until a change', async () => {
    const store = new SettingsStore(dir);
    expect(store.view()).toEqual({ settings: DEFAULT_SETTINGS });
    await expect(stat(file())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a change survives a restart, in an owner-only file', async () => {
    const store = new SettingsStore(dir);
    await store.update({
      aws: { profile: 'ml-team', region: 'us-east-1' },
      notifications: { teardown: false },
      monitoring: { sampleIntervalSeconds: 30, stall: { minutes: 45 } },
      theme: 'dark',
    });
    await store.setDataFolder(join(dir, 'runs-data'));
    const restarted = new SettingsStore(dir).current();
    expect(restarted).toEqual({
      aws: { profile: 'ml-team', region: 'us-east-1' },
      notifications: { ...DEFAULT_SETTINGS.notifications, teardown: false },
      monitoring: { sampleIntervalSeconds: 30, stall: { ...DEFAULT_SETTINGS.monitoring.stall, minutes: 45 } },
      theme: 'dark',
      dataFolder: join(dir, 'runs-data'),
    });
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    // null clears a default; the data folder goes back to the default.
    await store.update({ aws: { profile: null } });
    await store.setDataFolder(undefined);
    expect(new SettingsStore(dir).current()).toMatchObject({ aws: { region: 'us-east-1' } });
    expect(new SettingsStore(dir).current().aws.profile).toBeUndefined();
    expect(new SettingsStore(dir).current().dataFolder).toBeUndefined();
  });

  it('values out of bounds are refused whole, with a sentence, and change nothing (memory or disk)', async () => {
    const store = new SettingsStore(dir);
    await store.update({ theme: 'light' });
    const saved = await readFile(file(), 'utf8');
    const hostile = [
      { monitoring: { sampleIntervalSeconds: 0 } },
      { monitoring: { sampleIntervalSeconds: MONITORING_BOUNDS.sampleIntervalSeconds.max + 1 } },
      { monitoring: { sampleIntervalSeconds: 2.5 } },
      { monitoring: { stall: { minutes: 100_000 } } },
      { monitoring: { stall: { gpuIdlePct: -1 } } },
      { monitoring: { stall: { cpuIdlePct: 101 } } },
      { aws: { region: '../../etc' } },
      { aws: { profile: 'a/b' } },
      { theme: 'neon' },
    ];
    for (const patch of hostile) {
      // Main's store refuses even a patch the contract would have stopped first.
      await expect(store.update(patch as never)).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/^Settings not saved: .*[^.]\.$/),
        fix: expect.any(String),
      });
      expect(settingsPatchSchema.safeParse(patch).success).toBe(false);
    }
    expect(store.current()).toEqual({ ...DEFAULT_SETTINGS, theme: 'light' });
    expect(await readFile(file(), 'utf8')).toBe(saved);
    await expect(store.setDataFolder('relative/folder')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('the contract refuses unknown keys and prototype tricks before the store sees them', () => {
    for (const patch of [
      { extra: 1 },
      { dataFolder: '/etc' },
      { notifications: { everything: false } },
      JSON.parse('{"__proto__": {"theme": "dark"}}'),
      { aws: { region: 'eu-west-1', key: 'AKIA…' } },
    ]) {
      expect(settingsPatchSchema.safeParse(patch).success, JSON.stringify(patch)).toBe(false);
    }
  });

  it('a hostile or damaged file is never used: bad sections fall back to defaults and the page is told', async () => {
    await writeFile(
      file(),
      JSON.stringify({
        aws: { profile: '--endpoint-url=http://evil', region: 'eu-west-1' },
        notifications: { trainingEnded: false, trainingFailed: true, teardown: true, ghostResources: true },
        monitoring: { sampleIntervalSeconds: 1e9, stall: { minutes: 10, gpuIdlePct: 5, cpuIdlePct: 10 } },
        theme: 'dark',
        dataFolder: 'relative/path',
        unknown: { anything: true },
      }),
    );
    const view = new SettingsStore(dir).view();
    expect(view.settings).toEqual({
      ...DEFAULT_SETTINGS,
      notifications: { ...DEFAULT_SETTINGS.notifications, trainingEnded: false },
      theme: 'dark',
    });
    expect(view.problem).toMatch(/\(aws, monitoring, dataFolder\)/);
    expect(view.problem).toMatch(/set them again here\.$/);

    for (const text of ['not json {', '[1,2]', 'null', '"dark"']) {
      await writeFile(file(), text);
      const damaged = new SettingsStore(dir).view();
      expect(damaged.settings).toEqual(DEFAULT_SETTINGS);
      expect(damaged.problem).toMatch(/was not used because .+; the defaults apply/);
    }
    // The next change rewrites the file whole, and the problem is behind us.
    const store = new SettingsStore(dir);
    await store.update({ theme: 'light' });
    expect(store.view().problem).toBeUndefined();
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ ...DEFAULT_SETTINGS, theme: 'light' });
  });

  it('property: after any sequence of changes, accepted or refused, memory and disk agree and pass the schema', async () => {
    const value = fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.double({ noNaN: true }), fc.constant(null));
    const patch = fc.record(
      {
        aws: fc.record(
          {
            profile: fc.oneof(fc.constantFrom('ml', 'a/b', '', null), fc.string({ maxLength: 5 })),
            region: fc.oneof(fc.constantFrom('eu-west-1', 'us-east-1', 'mars-1', null), fc.string({ maxLength: 5 })),
          },
          { requiredKeys: [] },
        ),
        notifications: fc.record(Object.fromEntries(NOTIFICATION_TOPICS.map((t) => [t, fc.boolean()])), {
          requiredKeys: [],
        }),
        monitoring: fc.record(
          {
            sampleIntervalSeconds: value,
            stall: fc.record({ minutes: value, gpuIdlePct: value, cpuIdlePct: value }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        theme: fc.constantFrom(...THEMES, 'neon'),
      },
      { requiredKeys: [] },
    );
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(patch, { maxLength: 6 }), async (patches) => {
        const here = join(dir, `p${round++}`);
        const store = new SettingsStore(here);
        for (const p of patches) await store.update(p as never).catch(() => undefined);
        expect(appSettingsSchema.safeParse(store.current()).success).toBe(true);
        expect(new SettingsStore(here).current()).toEqual(store.current());
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});
