import { homedir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runConfigSchema } from '../../shared/run-config/schema';
import { resolveConfigPaths } from './resolve-config-paths';

const config = runConfigSchema.parse({
  version: 1,
  aws: { region: 'eu-west-1' },
  storage: { bucket: 'td-data', sseKeyFile: '~/.traindeck/keys/a.key', localRoot: 'data' },
  code: {
    repoUrl: 'git@github.com:acme/x.git',
    deployKeyFile: '~/keys/deploy',
    overrides: [
      { source: 'params.yaml', target: 'configs/params.yaml' },
      { source: '/abs/o.txt', target: 'o.txt' },
    ],
  },
  sshHost: { address: 'me@10.0.0.5:22', identityFile: '~/.ssh/id_ed25519' },
  training: { command: 'python train.py', secretEnv: { WANDB_API_KEY: '~/.wandb-key', HF_TOKEN: 'tokens/hf' } },
});

describe('resolveConfigPaths', () => {
  it('expands "~/", resolves relative paths against the base folder, keeps absolute ones, and touches nothing else', () => {
    const resolved = resolveConfigPaths(config, '/base');
    expect(resolved.storage.sseKeyFile).toBe(join(homedir(), '.traindeck/keys/a.key'));
    expect(resolved.storage.localRoot).toBe('/base/data');
    expect(resolved.code?.deployKeyFile).toBe(join(homedir(), 'keys/deploy'));
    expect(resolved.code?.overrides.map((o) => o.source)).toEqual(['/base/params.yaml', '/abs/o.txt']);
    expect(resolved.code?.overrides.map((o) => o.target)).toEqual(['configs/params.yaml', 'o.txt']);
    expect(resolved.sshHost).toEqual({ address: 'me@10.0.0.5:22', identityFile: join(homedir(), '.ssh/id_ed25519') });
    expect(resolved.storage.bucket).toBe('td-data');
    expect(resolved.training?.secretEnv).toEqual({
      WANDB_API_KEY: join(homedir(), '.wandb-key'),
      HF_TOKEN: '/base/tokens/hf',
    });
    expect(resolved.training?.command).toBe('python train.py');
  });

  it('leaves absent sections absent', () => {
    const bare = runConfigSchema.parse({
      version: 1,
      aws: { region: 'eu-west-1' },
      storage: { bucket: 'td-data', sseKeyFile: 'k' },
    });
    const resolved = resolveConfigPaths(bare, '/base');
    expect(resolved).not.toHaveProperty('code');
    expect(resolved).not.toHaveProperty('sshHost');
    expect(resolved.storage.sseKeyFile).toBe('/base/k');
  });
});
