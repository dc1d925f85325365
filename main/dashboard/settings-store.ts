import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

import { type AppSettings, DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { TypedError } from '../../shared/ipc/result';
import type { SettingsView } from '../../shared/ipc/settings-commands';
import { appSettingsSchema, type SettingsPatch } from '../../shared/settings/app-settings-schema';
import { writeFileAtomic } from '../core/write-file-atomic';

type Section = keyof AppSettings;
const SECTIONS = Object.keys(appSettingsSchema.shape) as Section[];

/**
 * The app's settings in `<data>/settings.json` (owner-only, written whole or not at all). Main is
 * the only writer and checks every value against the shared schema, on the way in (a change the
 * untrusted window asks for) and on the way back (a file edited by hand or by something else):
 * a section that does not pass is replaced by its defaults and said, never used.
 */
export class SettingsStore {
  private readonly path: string;
  private settings: AppSettings;
  private problem: string | undefined;
  // Writes run one after another: two quick changes must not interleave their files.
  private writing: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(settings: AppSettings) => void>();

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'settings.json');
    const loaded = readSettingsFile(this.path);
    this.settings = loaded.settings;
    this.problem = loaded.problem;
  }

  /** The settings now (read once at start, then kept in step with every change). */
  current(): AppSettings {
    return this.settings;
  }

  /** Calls `listener` with the settings after each saved change; returns the unsubscribe. */
  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The settings and the load problem, for the page. */
  view(): SettingsView {
    return { settings: this.settings, ...(this.problem ? { problem: this.problem } : {}) };
  }

  /** Applies a change (already checked by the contract) and saves; a result out of bounds is refused whole. */
  async update(patch: SettingsPatch): Promise<SettingsView> {
    const next = mergePatch(this.settings, patch);
    return this.save(next);
  }

  /** Sets the data folder: an absolute path main's trust gate has already allowed. */
  async setDataFolder(folder: string | undefined): Promise<SettingsView> {
    if (folder !== undefined && !isAbsolute(folder)) {
      throw new TypedError('INVALID_REQUEST', `The data folder must be an absolute path, not ${folder}.`, {
        fix: 'Choose the folder again with Change.',
      });
    }
    const { dataFolder: _previous, ...rest } = this.settings;
    return this.save(folder === undefined ? rest : { ...rest, dataFolder: folder });
  }

  private async save(next: AppSettings): Promise<SettingsView> {
    const checked = appSettingsSchema.safeParse(next);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new TypedError('INVALID_REQUEST', `Settings not saved: ${issue?.message ?? 'a value is out of bounds'}.`, {
        fix: 'Correct the value and save again.',
      });
    }
    const settings = checked.data as AppSettings;
    const write = this.writing.then(async () => {
      await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
    });
    this.writing = write.catch(() => undefined);
    await write;
    this.settings = settings;
    // A saved file is a good file: the load problem is behind us.
    this.problem = undefined;
    for (const listener of this.listeners) listener(settings);
    return this.view();
  }
}

function mergePatch(current: AppSettings, patch: SettingsPatch): AppSettings {
  const next: AppSettings = structuredClone(current);
  if (patch.aws) {
    for (const key of ['profile', 'region'] as const) {
      const value = patch.aws[key];
      if (value === null) delete next.aws[key];
      else if (value !== undefined) next.aws[key] = value;
    }
  }
  if (patch.notifications) next.notifications = { ...next.notifications, ...given(patch.notifications) };
  if (patch.monitoring) {
    next.monitoring = {
      sampleIntervalSeconds: patch.monitoring.sampleIntervalSeconds ?? next.monitoring.sampleIntervalSeconds,
      stall: { ...next.monitoring.stall, ...given(patch.monitoring.stall ?? {}) },
    };
  }
  if (patch.theme) next.theme = patch.theme;
  return next;
}

/** The fields a patch names (an absent field and one sent as undefined both keep the current value). */
function given<T extends object>(partial: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]-?: Exclude<T[K], undefined>;
  };
}

/** Reads the file section by section: a damaged section falls back to its defaults, the others are kept. */
function readSettingsFile(path: string): { settings: AppSettings; problem?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_SETTINGS };
    return {
      settings: DEFAULT_SETTINGS,
      problem: unusable(path, `it could not be read (${(error as Error).message})`),
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { settings: DEFAULT_SETTINGS, problem: unusable(path, 'it is not JSON') };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { settings: DEFAULT_SETTINGS, problem: unusable(path, 'it is not a settings object') };
  }
  const record = raw as Record<string, unknown>;
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const reset: string[] = [];
  for (const section of SECTIONS) {
    if (!Object.hasOwn(record, section)) continue;
    const parsed = appSettingsSchema.shape[section].safeParse(record[section]);
    if (parsed.success) settings[section] = parsed.data;
    else reset.push(section);
  }
  // A data folder that is not absolute is as good as none.
  if (typeof settings.dataFolder === 'string' && !isAbsolute(settings.dataFolder)) {
    delete settings.dataFolder;
    reset.push('dataFolder');
  }
  if (settings.dataFolder === undefined) delete settings.dataFolder;
  return {
    settings: settings as unknown as AppSettings,
    ...(reset.length
      ? {
          problem: `Some settings in ${path} were not valid (${reset.join(', ')}) and are back to their defaults; set them again here.`,
        }
      : {}),
  };
}

const unusable = (path: string, why: string) =>
  `The settings file ${path} was not used because ${why}; the defaults apply until you change a setting here, which rewrites it.`;
