import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TypedError } from '../../shared/ipc/result';
import { hasDoubledPeriod } from '../../shared/text/sentences';
import { readSecretEnv } from './read-secret-env';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-secret-env-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function refusal(secretEnv: Record<string, string>): Promise<TypedError> {
  const error = await readSecretEnv(secretEnv).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TypedError);
  const typed = error as TypedError;
  expect(typed.code).toBe('INVALID_REQUEST');
  expect(hasDoubledPeriod(typed.message)).toBe(false);
  expect(typed.fix).toMatch(/training\.secretEnv\./);
  return typed;
}

describe('secret env files (read by main at preflight and run start)', () => {
  it('a value is the file without its trailing line ends; inner text is kept (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ minLength: 1, maxLength: 60 })
          .filter((s) => s.trim().length > 0 && !/[\r\n\0]$/.test(s) && !s.includes('\0')),
        fc.constantFrom('', '\n', '\r\n', '\n\n'),
        async (value, ending) => {
          const file = join(dir, `p${++n}`);
          await writeFile(file, value + ending);
          expect(await readSecretEnv({ TOKEN: file })).toEqual({ TOKEN: value });
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it('missing, empty, a folder, too large or with a NUL: one sentence naming the variable and the file, never the content', async () => {
    const missing = await refusal({ WANDB_API_KEY: join(dir, 'nope') });
    expect(missing.message).toBe(
      `The file for the secret env variable WANDB_API_KEY (${join(dir, 'nope')}) does not exist.`,
    );
    await writeFile(join(dir, 'empty'), '\n\n');
    expect((await refusal({ HF_TOKEN: join(dir, 'empty') })).message).toMatch(/HF_TOKEN .* is empty\.$/);
    await mkdir(join(dir, 'folder'));
    expect((await refusal({ HF_TOKEN: join(dir, 'folder') })).message).toMatch(/is a folder, not a file\.$/);
    await writeFile(join(dir, 'big'), 'x'.repeat(9000));
    expect((await refusal({ HF_TOKEN: join(dir, 'big') })).message).toMatch(
      /holds 9000 bytes: .* at most 8192 bytes\.$/,
    );
    await writeFile(join(dir, 'nul'), 'hf_abc\0def');
    const nul = await refusal({ HF_TOKEN: join(dir, 'nul') });
    expect(nul.message).toMatch(/NUL byte/);
    expect(nul.message + nul.fix).not.toContain('hf_abc');
  });

  it('none configured reads nothing', async () => {
    expect(await readSecretEnv(undefined)).toEqual({});
    expect(await readSecretEnv({})).toEqual({});
  });
});
