import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ExecutorSecrets } from '../../../shared/executor/protocol';
import { localConnector } from '../../host/local-host';
import { sha256Hex } from './executor-identity';
import { pushAgain } from './verify-sync';

// A stand-in executor.mjs: `push` writes what arrived on stdin to a file, so the test sees exactly
// which secrets reached the program (a real process on this computer, through the local host).
const FAKE_EXECUTOR = `import { writeFileSync } from 'node:fs';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
writeFileSync(new URL('./received.json', import.meta.url), Buffer.concat(chunks));
process.stdout.write(JSON.stringify({ manifest: [], prefixes: [] }) + '\\n');
`;

const SECRETS: ExecutorSecrets = {
  sseKey: Buffer.alloc(32, 7).toString('base64'),
  deployKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-real-key\n',
  s3: { accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'token' },
  secretEnv: { WANDB_API_KEY: 'wandb-token' },
};

let work: string;
let layout: { bundle: string; workDir: string };
let identity: { node: string; bundleSha256: string };
const received = () => join(work, 'received.json');

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'traindeck-repush-'));
  layout = { bundle: join(work, 'executor.mjs'), workDir: work };
  writeFileSync(layout.bundle, FAKE_EXECUTOR);
  identity = { node: process.execPath, bundleSha256: sha256Hex(Buffer.from(FAKE_EXECUTOR)) };
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const repush = async (id: typeof identity | undefined) =>
  pushAgain(
    await localConnector.connect(),
    layout as Parameters<typeof pushAgain>[1],
    SECRETS,
    id,
    AbortSignal.timeout(30_000),
  );

describe('re-push trusts only what it started', () => {
  it('runs the recorded Node on the uploaded executor and sends the push secrets only (no deploy key, no secret env)', async () => {
    await expect(repush(identity)).resolves.toEqual({ manifest: [], prefixes: [] });
    const sent = JSON.parse(readFileSync(received(), 'utf8')) as ExecutorSecrets;
    expect(sent).toEqual({ sseKey: SECRETS.sseKey, s3: SECRETS.s3 });
    expect(sent).not.toHaveProperty('deployKey');
    expect(sent).not.toHaveProperty('secretEnv');
  });

  it('refuses an executor the training code rewrote, before any secret is written', async () => {
    writeFileSync(layout.bundle, FAKE_EXECUTOR + '// appended by the training code\n');
    await expect(repush(identity)).rejects.toThrow(/is not the executor TrainDeck uploaded .*no secrets were sent/);
    expect(() => readFileSync(received())).toThrow(/ENOENT/);
  });

  it('ignores a node-path file in the work folder (the training code can write one)', async () => {
    const trap = join(work, 'evil-node');
    writeFileSync(trap, `#!/bin/sh\ncat > ${JSON.stringify(join(work, 'stolen'))}\n`, { mode: 0o755 });
    writeFileSync(join(work, 'node-path'), trap);
    await repush(identity);
    expect(() => readFileSync(join(work, 'stolen'))).toThrow(/ENOENT/);
    expect(readFileSync(received(), 'utf8')).toContain(SECRETS.sseKey);
  });

  it('refuses when the start recorded no Node or executor (a kill during bootstrapping)', async () => {
    await expect(repush(undefined)).rejects.toThrow(/did not record which Node and executor/);
    expect(() => readFileSync(received())).toThrow(/ENOENT/);
  });
});
