import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { FakeClock } from '../aws/testing/fake-clock';
import { TemplatesService } from './templates-service';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-templates-secret-env-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a template or exported config with training.secretEnv', () => {
  it('holds the names and file paths, never a value, and loads back the same', async () => {
    const token = 'wandb-0123456789abcdef-secret';
    const keyFile = join(dir, 'wandb-key');
    await writeFile(keyFile, `${token}\n`, { mode: 0o600 });
    const config = runConfigSchema.parse({
      version: 1,
      name: 'resnet',
      aws: { region: 'eu-west-1' },
      storage: { bucket: 'td-data', prefix: 'runs/resnet', sseKeyFile: '~/.traindeck/keys/a.key' },
      training: { command: 'python train.py', secretEnv: { WANDB_API_KEY: keyFile, HF_TOKEN: '~/.hf-token' } },
    });
    const templates = new TemplatesService(join(dir, 'data'), new FakeClock());
    await templates.save('ResNet', config);
    const saved = await readFile(join(dir, 'data', 'templates', 'resnet.json'), 'utf8');
    const exported = await readFile((await templates.export(config)).path, 'utf8');
    for (const text of [saved, exported]) {
      expect(text).not.toContain(token);
      expect(text).toContain(`"WANDB_API_KEY": "${keyFile}"`);
      expect(text).toContain('"HF_TOKEN": "~/.hf-token"');
    }
    expect(((await templates.list())[0]?.config as RunConfig | undefined)?.training?.secretEnv).toEqual({
      WANDB_API_KEY: keyFile,
      HF_TOKEN: '~/.hf-token',
    });
  });
});
