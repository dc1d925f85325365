/**
 * The app's own settings (not a run's): defaults the wizard starts from, which notifications the
 * user wants, how runs without a monitoring section are watched, the theme and the data folder.
 * Main owns and validates them (`shared/settings/app-settings-schema.ts`, `main/dashboard/settings-store.ts`);
 * the window only shows and asks. No zod here: the renderer imports this at run time.
 */

/** How the window looks: follow the OS, or always light or dark. */
export const THEMES = ['system', 'light', 'dark'] as const;
/** One of {@link THEMES}. */
export type Theme = (typeof THEMES)[number];

/**
 * What a notification is about, for the user's preferences. A notice without a topic (a teardown
 * that left resources billing, a spot interruption) is always shown: silencing it could hide a cost.
 */
export const NOTIFICATION_TOPICS = ['trainingEnded', 'trainingFailed', 'teardown', 'ghostResources'] as const;
/** One of {@link NOTIFICATION_TOPICS}. */
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

/** The label of each topic on the Settings page. */
export const NOTIFICATION_TOPIC_LABELS: Record<NotificationTopic, string> = {
  trainingEnded: 'Training ended',
  trainingFailed: 'Training failed or stalled',
  teardown: 'Teardown verified',
  ghostResources: 'Ghost resources found',
};

/** The bounds main holds the monitoring settings to (the same as a run config's monitoring section). */
export const MONITORING_BOUNDS = {
  sampleIntervalSeconds: { min: 1, max: 300 },
  stallMinutes: { min: 1, max: 1440 },
  idlePct: { min: 0, max: 100 },
} as const;

/** The app's settings as main stores and answers them. */
export interface AppSettings {
  /** Where a new run starts: a profile of ~/.aws and a region; absent: what the AWS setup says. */
  aws: { profile?: string; region?: string };
  notifications: Record<NotificationTopic, boolean>;
  /** How a run whose config has no monitoring section is watched. */
  monitoring: {
    sampleIntervalSeconds: number;
    stall: { minutes: number; gpuIdlePct: number; cpuIdlePct: number };
  };
  theme: Theme;
  /** An absolute folder on this computer where runs started from the window keep their local data; absent: the default. */
  dataFolder?: string;
}

/** The one home of the monitoring defaults: a fresh install's settings and a run config's monitoring section both start here. */
export const DEFAULT_MONITORING: AppSettings['monitoring'] = {
  sampleIntervalSeconds: 5,
  stall: { minutes: 10, gpuIdlePct: 5, cpuIdlePct: 10 },
};

/** The settings of a fresh install. */
export const DEFAULT_SETTINGS: AppSettings = {
  aws: {},
  notifications: { trainingEnded: true, trainingFailed: true, teardown: true, ghostResources: true },
  monitoring: DEFAULT_MONITORING,
  theme: 'system',
};
