import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import { rejection } from '../core/testing/rejection';
import { generateSseKey, keyFingerprint, loadSseKey, SseKey } from './sse-key';

let dir: string;
const key = randomBytes(32);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-key-'));
});

describe('SSE-C key files', () => {
  it.each([
    ['raw', key],
    ['base64', Buffer.from(key.toString('base64') + '\n')],
    ['hex', Buffer.from(key.toString('hex'))],
  ])('reads a %s key', async (name, content) => {
    await writeFile(join(dir, name), content);
    expect((await loadSseKey(join(dir, name))).fingerprint).toBe(keyFingerprint(key));
  });

  it('refuses a key of the wrong length, saying how long it is and not what it holds', async () => {
    await writeFile(join(dir, 'short'), 'hunter2-hunter2');
    const error = await rejection(loadSseKey(join(dir, 'short')));
    expect(error.message).toMatch(/does not hold a 32-byte key \(it has 15 bytes/);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a missing file with how to make one', async () => {
    await expect(loadSseKey(join(dir, 'nope'))).rejects.toMatchObject({
      message: expect.stringContaining('does not exist'),
      fix: expect.stringContaining('traindeck key generate'),
    });
  });

  it('generates a 0600 key and never overwrites one', async () => {
    const path = join(dir, 'new.key');
    const fingerprint = await generateSseKey(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(keyFingerprint(await readFile(path))).toBe(fingerprint);
    await expect(generateSseKey(path)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('never shows the key when logged, printed or serialised', () => {
    const sse = new SseKey(key);
    const shown = [JSON.stringify(sse), String(sse), inspect(sse), JSON.stringify({ sse })].join(' ');
    expect(shown).not.toContain(key.toString('base64'));
    expect(shown).not.toContain(key.toString('hex'));
    expect(shown).toContain(sse.fingerprint);
    expect(sse.params().SSECustomerKey).toBe(key.toString('base64'));
  });
});
