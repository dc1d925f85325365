import { create } from 'zustand';

import type { AwsProfiles } from '../../../shared/domain/account';
import type { RegionChoice } from '../../../shared/domain/regions';
import type { AppSettings } from '../../../shared/domain/settings';
import type { CommandRequest } from '../../../shared/ipc/contract';
import type { AppError, Result } from '../../../shared/ipc/result';
import type { SettingsView } from '../../../shared/ipc/settings-commands';
import { api } from '../bridge/api-ref';
import { applyTheme } from '../theme';

interface RegionList {
  regions: RegionChoice[];
  problem?: string;
}

interface SettingsStore {
  settings: AppSettings | undefined;
  /** Why main reset some settings when it read them (a damaged file). */
  problem: string | undefined;
  loadError: AppError | undefined;
  /** The last refused change, by the section it was for ("monitoring", "dataFolder"…). */
  errors: Partial<Record<keyof AppSettings, AppError>>;
  saving: Partial<Record<keyof AppSettings, boolean>>;
  regions: RegionList | undefined;
  /** The profiles of ~/.aws (names only) and the AWS setup's defaults. */
  profiles: AwsProfiles | undefined;
  load(): Promise<void>;
  loadProfiles(): Promise<void>;
  loadRegions(profile?: string): Promise<void>;
  /** Asks main to change one section; main validates and bounds it and answers what it saved. */
  update(section: keyof AppSettings, patch: CommandRequest<'settings.update'>): Promise<boolean>;
  /** The desktop app opens main's folder dialog (starting at `path`); the browser host takes `path`. */
  chooseDataFolder(path?: string): Promise<boolean>;
  resetDataFolder(): Promise<boolean>;
}

/**
 * The app's settings as main answers them. The page never decides a value: it sends a change,
 * main checks it and answers what it saved (or why not), and the page shows that. The theme is
 * applied as soon as it is asked for, and set back if main refuses it.
 */
export const useSettings = create<SettingsStore>()((set, get) => {
  const take = (view: SettingsView) => {
    applyTheme(view.settings.theme);
    set({ settings: view.settings, problem: view.problem });
  };
  const answer = (section: keyof AppSettings, result: Result<SettingsView>): boolean => {
    set({ saving: { ...get().saving, [section]: false } });
    if (result.ok) {
      take(result.value);
      set({ errors: { ...get().errors, [section]: undefined } });
      return true;
    }
    set({ errors: { ...get().errors, [section]: result.error } });
    return false;
  };
  return {
    settings: undefined,
    problem: undefined,
    loadError: undefined,
    errors: {},
    saving: {},
    regions: undefined,
    profiles: undefined,

    loadProfiles: async () => {
      const result = await api().invoke('aws.profiles', {});
      if (result.ok) set({ profiles: result.value });
    },

    load: async () => {
      const result = await api().invoke('settings.get', {});
      if (result.ok) {
        take(result.value);
        set({ loadError: undefined });
      } else set({ loadError: result.error });
    },

    loadRegions: async (profile) => {
      const result = await api().invoke('aws.regions', profile ? { profile } : {});
      if (result.ok) set({ regions: result.value });
      else set({ regions: { regions: [], problem: `${result.error.message} ${result.error.fix ?? ''}`.trim() } });
    },

    update: async (section, patch) => {
      const before = get().settings?.theme;
      if (patch.theme) applyTheme(patch.theme);
      set({ saving: { ...get().saving, [section]: true } });
      const ok = answer(section, await api().invoke('settings.update', patch));
      if (!ok && patch.theme && before) applyTheme(before);
      return ok;
    },

    chooseDataFolder: async (path) => {
      set({ saving: { ...get().saving, dataFolder: true } });
      return answer('dataFolder', await api().invoke('settings.chooseDataFolder', path ? { path } : {}));
    },

    resetDataFolder: async () => {
      set({ saving: { ...get().saving, dataFolder: true } });
      return answer('dataFolder', await api().invoke('settings.chooseDataFolder', { reset: true }));
    },
  };
});
