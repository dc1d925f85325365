import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRunFixture, type RunFixture } from './testing/run-fixture';

// Issue 11, class 5: a run configured with another SSE-C key used to fail its pull and then
// overwrite logs/… with that key. The engine refuses the key for pull and push alike.
let f: RunFixture;
beforeAll(async () => {
  f = await createRunFixture('wrongkey');
}, 120_000);
afterAll(() => f?.cleanup());

async function snapshot(): Promise<Array<[string, string]>> {
  const out = await f.fx.client.send(new ListObjectsV2Command({ Bucket: f.fx.bucket }));
  return (out.Contents ?? []).map((o) => [o.Key!, o.ETag!] as [string, string]).sort();
}

describe('a run with another SSE-C key', () => {
  it('fails its pull naming both fingerprints, and its push writes nothing', async () => {
    await f.fx.writeLocal('logs', 'train.log', 'a line of an earlier run\n');
    await f.fx.sync('push');
    const before = await snapshot();
    const otherKey = join(f.dir, 'other.key');
    await writeFile(otherKey, randomBytes(32), { mode: 0o600 });

    const run = await f.run(
      f.config((raw) => (raw.storage.sseKeyFile = otherKey)),
      f.sshHost(),
    );
    expect(run.result.outcome).toBe('failed');
    expect(run.snapshot.phases.pulling.status).toBe('failed');
    expect(run.snapshot.phases.pulling.reason).toMatch(
      new RegExp(`is written with the SSE-C key ${f.fx.key.fingerprint}, not with yours \\(sha256:[0-9a-f]{16}\\)`),
    );
    expect(run.snapshot.phases.training.status).toBe('pending');
    expect(await snapshot()).toEqual(before);
  });
});
