import { z } from 'zod';

import type { KeyStorage } from '../domain/account';
import type { RegionChoice } from '../domain/regions';
import type { AppSettings } from '../domain/settings';
import { WEBHOOK_FORMATS, WEBHOOK_URL_MAX, type WebhookFormat } from '../notify/webhook';
import { profileNameSchema, settingsPatchSchema } from '../settings/app-settings-schema';
import { command } from './command-def';

/** What the page may know of the webhook: whether one is set, its format and host; never the URL (a secret). */
export interface WebhookView {
  set: boolean;
  format?: WebhookFormat;
  /** The host and an ellipsis ("hooks.slack.com/…"): enough to recognise it, not to use it. */
  shown?: string;
  /** Sealed by the OS keychain, or a plain owner-only file where there is none (as the SSE-C keys). */
  storage?: KeyStorage;
  /** Why it is a plain file where a keychain was expected. */
  note?: string;
  /** One sentence when the kept URL cannot be used (sealed on another computer). */
  problem?: string;
}

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
  /** Whether a notification webhook is set, its format and host; never its URL (a secret main keeps). */
  'webhook.get': command<WebhookView>()(z.object({}).strict()),
  /** Keeps a webhook URL (https, or http to localhost) and its format; a bad URL is refused with a fix. */
  'webhook.set': command<WebhookView>()(
    z.object({ url: z.string().max(WEBHOOK_URL_MAX), format: z.enum(WEBHOOK_FORMATS) }).strict(),
  ),
  /** Forgets the webhook. */
  'webhook.clear': command<WebhookView>()(z.object({}).strict()),
  /** Posts a test notification; a 4xx/5xx, timeout or reset answers a sentence with a fix. */
  'webhook.test': command<{ delivered: true }>()(z.object({}).strict()),
  /** Every known region with the console's name and whether the account has it enabled (unknown when it could not be asked). */
  'aws.regions': command<{ regions: RegionChoice[]; problem?: string }>()(
    z.object({ profile: profileNameSchema.optional() }).strict(),
  ),
};
