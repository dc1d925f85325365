import { z } from 'zod';

import { hasUrlUserinfo } from '../security/redact-url';
import { branchNameProblem } from './git-ref-name';
import { knownHostsProblem } from './known-hosts';
import { secretEnvSchema } from './secret-env';

/**
 * The code and training sections of the run config: what the executor checks out and runs.
 * Secrets are never inline: the deploy key is a path to a key file.
 */

// git accepts ssh://user@host[:port]/path, scp-like user@host:path, and https://…; anything else
// (file://, ext::) could run local commands or read the instance's disk, so it is refused.
const repoUrl = z
  .string()
  .min(1, 'code.repoUrl is required')
  .refine(
    (url) =>
      /^ssh:\/\/[^\s/@]+@[^\s/]+(:\d+)?\/\S+$/.test(url) ||
      /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/]\S*$/.test(url) ||
      /^https:\/\/[^\s/]+\/\S+$/.test(url),
    'code.repoUrl is an ssh URL (git@github.com:owner/repo.git or ssh://git@host:22/owner/repo.git) or an https URL',
  )
  .refine(
    (url) => !hasUrlUserinfo(url),
    'code.repoUrl has credentials in it (https://user:token@…), which would end up in process arguments, ' +
      '.git/config, logs and the report: use an ssh URL with a read-only deploy key (code.deployKeyFile) instead',
  );

const repoPath = z
  .string()
  .min(1, 'an override target is a path inside the repo')
  .refine(
    (path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'),
    'an override target must stay inside the repo (no leading "/", no "..")',
  );

/** A local file copied over the checked-out tree. */
const overrideSchema = z
  .object({ source: z.string().min(1, 'an override needs its local source file'), target: repoPath })
  .strict();

/** The repository to train from. */
export const codeSchema = z
  .object({
    repoUrl,
    branch: z
      .string()
      .superRefine((branch, ctx) => {
        const problem = branchNameProblem(branch);
        if (problem) ctx.addIssue({ code: 'custom', message: `code.branch is not a valid branch name: ${problem}` });
      })
      .optional(),
    commit: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/, 'code.commit is a hex commit id (7 to 40 digits)')
      .optional(),
    /** OpenSSH private key with read access to the repo (a GitHub deploy key). Required for ssh URLs. */
    deployKeyFile: z.string().min(1).optional(),
    /** Extra known_hosts lines for a remote other than GitHub (GitHub's published keys are built in). */
    knownHosts: z
      .string()
      .max(20_000, 'code.knownHosts is at most 20000 characters')
      .superRefine((text, ctx) => {
        const problem = knownHostsProblem(text);
        if (problem) ctx.addIssue({ code: 'custom', message: `code.knownHosts: ${problem}` });
      })
      .optional(),
    overrides: z.array(overrideSchema).max(100).default([]),
  })
  .strict()
  .superRefine((code, ctx) => {
    if (code.branch && code.commit) {
      ctx.addIssue({ code: 'custom', path: ['commit'], message: 'give code.branch or code.commit, not both' });
    }
    if (!code.repoUrl.startsWith('https://') && !code.deployKeyFile) {
      ctx.addIssue({
        code: 'custom',
        path: ['deployKeyFile'],
        message: 'code.deployKeyFile is required for an ssh repo URL (a read-only deploy key)',
      });
    }
  });

/** The training command and how it is stopped. */
export const trainingSchema = z
  .object({
    command: z
      .string()
      .trim()
      .min(1, 'training.command is empty: give the command that trains, e.g. "python train.py"')
      .max(4000),
    env: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'env names use letters, digits and "_"'),
        z.string().max(4000),
      )
      .default({}),
    /**
     * Env var name → local file holding its value (an API token): read at run start and sent with the
     * other secrets, exported to the training only. See ./secret-env.ts.
     */
    secretEnv: secretEnvSchema.optional(),
    /** Seconds between SIGTERM and SIGKILL when training must stop (cancel, TTL). */
    graceSeconds: z.number().int().min(1).max(3600).default(60),
    /** Free disk to keep beyond the datasets, checked before pull. */
    diskReserveMb: z.number().int().min(0).default(1024),
    /** Hard limit for ssh-host and local runs (EC2 runs use compute.ttlMinutes). */
    maxRuntimeMinutes: z.number().int().min(1).max(10080).default(1440),
    /**
     * The run's budget in US dollars (EC2 runs): when its cost so far plus a graceful stop could pass
     * it, training is stopped, the data pushed and verified, and the instance torn down. See
     * shared/monitor/budget.ts.
     */
    maxCostUsd: z
      .number({ error: 'training.maxCostUsd is a number of US dollars, such as 25' })
      .positive('training.maxCostUsd is more than $0')
      .max(1_000_000, 'training.maxCostUsd is at most 1000000')
      .optional(),
    /**
     * Hours the training is expected to take: the wizard's Review prices them next to the time to live
     * (the most the run can bill). An estimate only: nothing stops the run at it.
     */
    expectedHours: z
      .number({ error: 'training.expectedHours is a number of hours, such as 6' })
      .positive('training.expectedHours is more than 0')
      .max(168, 'training.expectedHours is at most 168 (7 days, the longest time to live)')
      .optional(),
  })
  .strict()
  .superRefine((training, ctx) => {
    for (const name of Object.keys(training.secretEnv ?? {})) {
      if (name in training.env) {
        ctx.addIssue({
          code: 'custom',
          path: ['secretEnv', name],
          message: `"${name}" is in both env and secretEnv: keep it in secretEnv only, so its value stays out of the config`,
        });
      }
    }
  });
