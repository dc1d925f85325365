/**
 * The rules of `training.secretEnv` names, without zod: the executor bundle imports them too.
 * The schema is in ./secret-env.ts.
 */

/** How a secret env name is spelled: upper-case letters, digits and "_", not starting with a digit. */
export const SECRET_ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** The prefix of the variables TrainDeck itself sets for the training (TRAINDECK_RUN_ID, TRAINDECK_DATA_DIR…). */
export const TRAINDECK_ENV_PREFIX = 'TRAINDECK_';

/**
 * AWS credential variables: the executor removes them from the training's environment so that the
 * run's own S3 credentials never reach the training code, so a secret env cannot use these names.
 */
export const WITHHELD_AWS_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
];

/** The most secret env variables a run may have, and the most bytes one file may hold. */
export const SECRET_ENV_LIMITS = { entries: 32, fileBytes: 8 * 1024 } as const;

/** Why `name` cannot be a secret env name, as a sentence without its full stop; undefined when it can. */
export function secretEnvNameProblem(name: string): string | undefined {
  if (!SECRET_ENV_NAME.test(name)) {
    return `"${name}" is not a usable name: use upper-case letters, digits and "_", not starting with a digit (e.g. WANDB_API_KEY)`;
  }
  if (name.startsWith(TRAINDECK_ENV_PREFIX)) {
    return `"${name}" is taken: TrainDeck sets the ${TRAINDECK_ENV_PREFIX}… variables itself, so choose another name`;
  }
  if (WITHHELD_AWS_ENV.includes(name)) {
    return `"${name}" is kept out of the training on purpose (the run's own S3 credentials must not reach the training code), so choose another name`;
  }
  return undefined;
}
