import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadRunConfig } from './load-run-config';

async function configFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'traindeck-config-'));
  const path = join(dir, 'run.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const valid = { version: 1, aws: { region: 'eu-west-1' }, storage: { bucket: 'td-data', sseKeyFile: 'keys/sse.key' } };

describe('loadRunConfig', () => {
  it('resolves relative paths against the config folder', async () => {
    const path = await configFile(valid);
    const { config, baseDir } = await loadRunConfig(path);
    expect(config.storage.sseKeyFile).toBe(join(baseDir, 'keys', 'sse.key'));
    expect(config.storage.localRoot).toBe(join(baseDir, 'data'));
  });

  it('names the file and the field of the first problem in one line', async () => {
    const path = await configFile({ ...valid, storage: { ...valid.storage, bucket: 'ab' } });
    await expect(loadRunConfig(path)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'run.json: storage.bucket: a bucket name has 3 to 63 characters',
    });
  });

  it('reports nested compute problems by path', async () => {
    const path = await configFile({
      ...valid,
      compute: { instanceType: 'g5.xlarge', ttlMinutes: 60, allowedSshCidr: '0.0.0.0/0' },
    });
    await expect(loadRunConfig(path)).rejects.toThrow(
      'run.json: compute.allowedSshCidr: allowedSshCidr must be /24 to /32: SSH is never opened wider',
    );
  });

  it('explains missing files and broken JSON', async () => {
    await expect(loadRunConfig('/nonexistent/run.json')).rejects.toThrow(
      'run.json: cannot read the run config (no such file).',
    );
    await expect(loadRunConfig(await configFile('{"version": 1,'))).rejects.toThrow(/^run\.json: not valid JSON \(/);
  });

  it('explains a path that is a folder', async () => {
    await expect(loadRunConfig(tmpdir())).rejects.toThrow(/cannot read the run config \(is a folder\)\.$/);
  });
});
