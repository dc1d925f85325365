import { z } from 'zod';

import type { RegionChoice } from '../domain/regions';
import type { AppSettings } from '../domain/settings';
import { profileNameSchema, settingsPatchSchema } from '../settings/app-settings-schema';
import { command } from './command-def';

/** The settings as main answers them: the values, and why some were reset if the file was damaged. */
export interface SettingsView {
  settings: AppSettings;
  /** One sentence with a fix when the settings file could not be used as it was. */
  problem?: string;
}

/**
 * The Settings page's commands. Main owns the settings: it validates and bounds every change
 * (./settings/app-settings-schema), and the data folder is chosen through its trust gate.
 */
export const settingsCommands = {
  /** The app's settings. */
  'settings.get': command<SettingsView>()(z.object({}).strict()),
  /** Changes some settings; values out of bounds are refused whole, with the reason. */
  'settings.update': command<SettingsView>()(settingsPatchSchema),
  /**
   * Sets the data folder: the desktop app asks in a native folder dialog (starting at `path`);
   * the browser host takes `path` when it lies in its allowed folders. `reset` goes back to the default.
   */
  'settings.chooseDataFolder': command<SettingsView>()(
    z.object({ path: z.string().min(1).max(4096).optional(), reset: z.literal(true).optional() }).strict(),
  ),
  /** Every known region with the console's name and whether the account has it enabled (unknown when it could not be asked). */
  'aws.regions': command<{ regions: RegionChoice[]; problem?: string }>()(
    z.object({ profile: profileNameSchema.optional() }).strict(),
  ),
};
