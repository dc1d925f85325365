import { z } from 'zod';

import { DEFAULT_MONITORING, MONITORING_BOUNDS } from '../domain/settings';
import { userPatternError } from '../monitor/user-pattern';

/** What a stall does (absent: `alert`). */
export const STALL_ACTIONS = ['alert', 'stop'] as const;
/** One of {@link STALL_ACTIONS}. */
export type StallAction = (typeof STALL_ACTIONS)[number];

/** What a NaN or infinite loss does (absent: `off`). */
export const LOSS_ACTIONS = ['off', 'alert', 'stop'] as const;
/** One of {@link LOSS_ACTIONS}. */
export type LossAction = (typeof LOSS_ACTIONS)[number];

const idlePct = z.number().min(MONITORING_BOUNDS.idlePct.min).max(MONITORING_BOUNDS.idlePct.max);

/** How closely a run is watched and when it counts as stalled (all optional, with defaults). */
export const monitoringSchema = z
  .object({
    /** Seconds between two health samples over SSH. */
    sampleIntervalSeconds: z
      .number()
      .int('sampleIntervalSeconds is a whole number')
      .min(MONITORING_BOUNDS.sampleIntervalSeconds.min)
      .max(MONITORING_BOUNDS.sampleIntervalSeconds.max)
      .default(DEFAULT_MONITORING.sampleIntervalSeconds),
    /** A stall: no new log line AND the GPU (or, without GPUs, the CPU) at or under its threshold for this long. */
    stall: z
      .object({
        minutes: z
          .number()
          .int()
          .min(MONITORING_BOUNDS.stallMinutes.min)
          .max(MONITORING_BOUNDS.stallMinutes.max)
          .default(DEFAULT_MONITORING.stall.minutes),
        gpuIdlePct: idlePct.default(DEFAULT_MONITORING.stall.gpuIdlePct),
        cpuIdlePct: idlePct.default(DEFAULT_MONITORING.stall.cpuIdlePct),
        /** What a stall does: an alert and a notification (the default), or also a graceful stop of the run. */
        action: z.enum(STALL_ACTIONS, { error: 'stall.action is "alert" or "stop"' }).optional(),
      })
      .strict()
      .default(DEFAULT_MONITORING.stall),
    /**
     * A loss that became NaN or infinite (shared/monitor/loss-check.ts): nothing (the default), an
     * alert and a notification, or also a graceful stop of the run.
     */
    nonFiniteLoss: z.enum(LOSS_ACTIONS, { error: 'nonFiniteLoss is "off", "alert" or "stop"' }).optional(),
    /**
     * Extra regular expressions for plain logs, tried before the built-in ones (tqdm, epoch x/y,
     * step=, loss=…); named groups `step`, `totalSteps` (or `total`), `epoch`, `totalEpochs` (or `epochs`)
     * are read. RE2 syntax: they run in linear time, so no pattern can stall the main process.
     */
    progressPatterns: z
      .array(
        z
          .string()
          .min(1)
          .max(500)
          .superRefine((source, ctx) => {
            const error = userPatternError(source);
            if (error) ctx.addIssue({ code: 'custom', message: error });
          }),
      )
      .max(20)
      .default([]),
  })
  .strict();

/** The monitoring section. */
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
