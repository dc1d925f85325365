import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { TypedError } from '../../shared/ipc/result';
import { type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { FakeClock } from '../aws/testing/fake-clock';
import { TemplatesService } from './templates-service';

const configNamed = (name: string) =>
  runConfigSchema.parse({
    version: 1,
    name,
    aws: { region: 'eu-west-1' },
    storage: { bucket: 'td-data', prefix: `runs/${name}`, sseKeyFile: '~/.traindeck/keys/a.key' },
    training: { command: 'python train.py' },
  });

let dir: string;
let templates: TemplatesService;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-templates-'));
  templates = new TemplatesService(dir, new FakeClock());
});
afterEach(() => rm(dir, { recursive: true, force: true }));

// Invariant: a saved template is never overwritten unless the user chose to replace it.
describe('saving a template under a name already taken', () => {
  it('is refused with CONFLICT naming the template kept, and that template is unchanged', async () => {
    await templates.save('resnet nightly', configNamed('first'));
    const refused = await templates.save('resnet nightly', configNamed('second')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypedError);
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/^A template named “resnet nightly” already exists \(saved \d{4}-\d\d-\d\d\)\.$/),
      fix: 'Replace it, or save under another name.',
      details: { existing: 'resnet nightly' },
    });
    const [kept] = await templates.list();
    expect((kept?.config as RunConfig | undefined)?.name).toBe('first');
  });

  it('names differing only in case or punctuation are one template, and the refusal names the one kept', async () => {
    await templates.save('ResNet Nightly', configNamed('first'));
    await expect(templates.save('resnet-nightly', configNamed('second'))).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { existing: 'ResNet Nightly' },
    });
    expect((await templates.list()).map((t) => (t.config as RunConfig).name)).toEqual(['first']);
  });

  it('replaces it when asked to, under the new spelling, as one file', async () => {
    await templates.save('ResNet Nightly', configNamed('first'));
    const saved = await templates.save('resnet nightly', configNamed('second'), { replace: true });
    expect(saved.name).toBe('resnet nightly');
    expect((await templates.list()).map((t) => [t.name, (t.config as RunConfig).name])).toEqual([
      ['resnet nightly', 'second'],
    ]);
    expect(await readdir(join(dir, 'templates'))).toEqual(['resnet-nightly.json']);
  });

  it('a free name is saved with or without replace', async () => {
    await templates.save('a', configNamed('a'));
    await templates.save('b', configNamed('b'), { replace: true });
    expect((await templates.list()).map((t) => t.name).sort()).toEqual(['a', 'b']);
  });
});
