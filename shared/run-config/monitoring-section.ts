import { z } from 'zod';

import { userPatternError } from '../monitor/user-pattern';

/** How closely a run is watched and when it counts as stalled (all optional, with defaults). */
export const monitoringSchema = z
  .object({
    /** Seconds between two health samples over SSH. */
    sampleIntervalSeconds: z.number().int('sampleIntervalSeconds is a whole number').min(1).max(300).default(5),
    /** A stall: no new log line AND the GPU (or, without GPUs, the CPU) at or under its threshold for this long. */
    stall: z
      .object({
        minutes: z.number().int().min(1).max(1440).default(10),
        gpuIdlePct: z.number().min(0).max(100).default(5),
        cpuIdlePct: z.number().min(0).max(100).default(10),
      })
      .strict()
      .default({ minutes: 10, gpuIdlePct: 5, cpuIdlePct: 10 }),
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
