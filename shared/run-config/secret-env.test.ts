import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { hasDoubledPeriod } from '../text/sentences';
import { trainingSchema } from './run-sections';
import { secretEnvSchema } from './secret-env';
import { SECRET_ENV_LIMITS, secretEnvNameProblem, WITHHELD_AWS_ENV } from './secret-env-names';

const message = (result: { success: boolean; error?: { issues: Array<{ message: string }> } }) =>
  result.error?.issues[0]?.message;

// The rule, written out independently of the implementation's regex.
const isUsable = (name: string) =>
  name.length > 0 &&
  [...name].every((c) => (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_') &&
  !(name[0]! >= '0' && name[0]! <= '9') &&
  !name.startsWith('TRAINDECK_') &&
  !WITHHELD_AWS_ENV.includes(name);

describe('training.secretEnv names (property)', () => {
  it('a name is accepted exactly when it is upper-case, digits and "_", not digit-first, not TrainDeck\'s or an AWS credential', () => {
    const names = fc.oneof(
      fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/),
      fc.stringMatching(/^[A-Za-z0-9_.\- ]{0,12}$/),
      fc.constantFrom(...WITHHELD_AWS_ENV, 'TRAINDECK_RUN_ID', 'TRAINDECK_X'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(names, (name) => {
        const parsed = secretEnvSchema.safeParse({ [name]: '~/.token' });
        expect(parsed.success, name).toBe(isUsable(name));
        if (!parsed.success) {
          const text = message(parsed)!;
          expect(text).toContain(`"${name}"`);
          // A sentence once a full stop ends it (the name itself may be "..": found by this property).
          expect(hasDoubledPeriod(`${text.replace(`"${name}"`, '"NAME"')}.`)).toBe(false);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it("named cases: lower case, digit first, dash, TrainDeck's own and AWS credentials are refused with the reason", () => {
    expect(secretEnvNameProblem('wandb_api_key')).toMatch(/upper-case letters/);
    expect(secretEnvNameProblem('1TOKEN')).toMatch(/not starting with a digit/);
    expect(secretEnvNameProblem('HF-TOKEN')).toMatch(/not a usable name/);
    expect(secretEnvNameProblem('TRAINDECK_RUN_ID')).toMatch(/TrainDeck sets the TRAINDECK_… variables itself/);
    expect(secretEnvNameProblem('AWS_SECRET_ACCESS_KEY')).toMatch(/S3 credentials must not reach the training/);
    expect(secretEnvNameProblem('..')).toMatch(/^"\.\." is not a usable name/);
    expect(secretEnvNameProblem('WANDB_API_KEY')).toBeUndefined();
    expect(secretEnvNameProblem('_X')).toBeUndefined();
  });

  it('a value is a file path: an empty one is refused, and so is a name in both env and secretEnv', () => {
    expect(message(secretEnvSchema.safeParse({ HF_TOKEN: '  ' }))).toMatch(/give the file that holds the value/);
    const both = trainingSchema.safeParse({
      command: 'python train.py',
      env: { HF_TOKEN: 'hf_inline' },
      secretEnv: { HF_TOKEN: '~/.hf' },
    });
    expect(message(both)).toMatch(/"HF_TOKEN" is in both env and secretEnv: keep it in secretEnv only/);
    expect(both.error?.issues[0]?.path).toEqual(['secretEnv', 'HF_TOKEN']);
    const tooMany = Object.fromEntries(
      Array.from({ length: SECRET_ENV_LIMITS.entries + 1 }, (_, i) => [`T${i}`, `/k${i}`]),
    );
    expect(message(secretEnvSchema.safeParse(tooMany))).toMatch(/at most 32/);
    expect(
      trainingSchema.parse({ command: 'python train.py', secretEnv: { WANDB_API_KEY: '~/.wandb-key' } }).secretEnv,
    ).toEqual({ WANDB_API_KEY: '~/.wandb-key' });
  });
});
