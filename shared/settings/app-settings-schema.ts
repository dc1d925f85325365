import { z } from 'zod';

import { MONITORING_BOUNDS, NOTIFICATION_TOPICS, type NotificationTopic, THEMES } from '../domain/settings';

/**
 * The zod side of the app's settings: main checks every change the window asks for and every
 * settings file it reads against these, so a hostile page or a hand-edited file can never put an
 * out-of-range interval, a path-like profile or a strange region into what main acts on.
 */

/** A profile name of ~/.aws: what the AWS CLI accepts, never a path. */
export const profileNameSchema = z
  .string()
  .min(1, 'a profile name is not empty')
  .max(128, 'a profile name has at most 128 characters')
  .regex(/^[A-Za-z0-9._@+=,-]+$/, 'a profile name uses letters, digits and . _ @ + = , -');

/** A region code: a known one, or one shaped like a region (new regions appear after this table was written). */
export const regionCodeSchema = z
  .string()
  .max(32, 'a region code is short, like "eu-west-1"')
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region looks like "eu-west-1"');

const topicFlags = Object.fromEntries(NOTIFICATION_TOPICS.map((topic) => [topic, z.boolean()])) as Record<
  NotificationTopic,
  z.ZodBoolean
>;

const intervalSchema = z
  .number()
  .int('the monitoring interval is a whole number of seconds')
  .min(MONITORING_BOUNDS.sampleIntervalSeconds.min, 'the monitoring interval is at least 1 second')
  .max(MONITORING_BOUNDS.sampleIntervalSeconds.max, 'the monitoring interval is at most 300 seconds (5 minutes)');
const stallMinutesSchema = z
  .number()
  .int('the stall time is a whole number of minutes')
  .min(MONITORING_BOUNDS.stallMinutes.min, 'the stall time is at least 1 minute')
  .max(MONITORING_BOUNDS.stallMinutes.max, 'the stall time is at most 1440 minutes (a day)');
const idlePctSchema = z
  .number()
  .min(MONITORING_BOUNDS.idlePct.min, 'an idle threshold is a percentage from 0 to 100')
  .max(MONITORING_BOUNDS.idlePct.max, 'an idle threshold is a percentage from 0 to 100');

const stallSchema = z.object({ minutes: stallMinutesSchema, gpuIdlePct: idlePctSchema, cpuIdlePct: idlePctSchema });

/** A whole settings document, as main stores it (`<data>/settings.json`). */
export const appSettingsSchema = z
  .object({
    aws: z.object({ profile: profileNameSchema.optional(), region: regionCodeSchema.optional() }).strict(),
    notifications: z.object(topicFlags).strict(),
    monitoring: z.object({ sampleIntervalSeconds: intervalSchema, stall: stallSchema.strict() }).strict(),
    theme: z.enum(THEMES),
    dataFolder: z.string().min(1).max(4096).optional(),
  })
  .strict();

/**
 * A change the window asks for. `null` clears a default (back to what the AWS setup says). The data
 * folder is not here: main chooses it through the trust gate (`settings.chooseDataFolder`).
 */
export const settingsPatchSchema = z
  .object({
    aws: z
      .object({ profile: profileNameSchema.nullable().optional(), region: regionCodeSchema.nullable().optional() })
      .strict()
      .optional(),
    notifications: z.object(topicFlags).partial().strict().optional(),
    monitoring: z
      .object({ sampleIntervalSeconds: intervalSchema.optional(), stall: stallSchema.partial().strict().optional() })
      .strict()
      .optional(),
    theme: z.enum(THEMES).optional(),
  })
  .strict();

/** A change to some settings, as main accepts it. */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
