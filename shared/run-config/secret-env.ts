import { z } from 'zod';

import { SECRET_ENV_LIMITS, secretEnvNameProblem } from './secret-env-names';

/**
 * `training.secretEnv`: environment variables whose values are secrets (API tokens such as
 * WANDB_API_KEY or HF_TOKEN). The config names only the local file that holds each value: the
 * desktop reads the files at run start and sends the values over the SSH channel's stdin with the
 * other secrets, and the executor exports them into the training's environment only. A template and
 * an exported config hold names and paths, never a value; the instance's spec.json holds neither.
 */

/** The `training.secretEnv` map: env var name → local file holding its value (a path, never the value). */
export const secretEnvSchema = z
  .record(
    z.string(),
    z.string().trim().min(1, 'give the file that holds the value (e.g. ~/.wandb-key), not the value itself'),
  )
  // Names are checked here, not by the record's key schema: zod reports a bad key as "Invalid key in
  // record", and the user needs the sentence that says which name and why.
  .superRefine((map, ctx) => {
    for (const name of Object.keys(map)) {
      const problem = secretEnvNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
    if (Object.keys(map).length > SECRET_ENV_LIMITS.entries) {
      ctx.addIssue({ code: 'custom', message: `at most ${SECRET_ENV_LIMITS.entries} secret env variables` });
    }
  });
