import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { folderPrefix } from '../../shared/sync/keys';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { publishDatasets } from './publish';
import { locallyRecordedHashes } from './remote-details';
import { loadSyncState } from './sync-state';
import { type FaultPlan, startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';
import { buildLocalManifest, verifyAgainst } from './verify';

// Class 8 of issue 11: datasets written by other tools, and a way to publish them properly.
let fx: S3Fixture;
beforeAll(async () => {
  fx = await createS3Fixture('datasets');
});
afterAll(() => fx.cleanup());

const DS = 'runs/test/cached-datasets/';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const datasetsOnly = () => ({ folders: fx.spec.folders.filter((f) => f.policy === 'pull-only') });
/** What `aws s3 cp --sse-c AES256 --sse-c-key fileb://KEY` leaves: SSE-C, no TrainDeck metadata. */
const putLikeAwscli = (key: string, body: string, sse = true) =>
  fx.client.send(new PutObjectCommand({ Bucket: fx.bucket, Key: key, Body: body, ...(sse ? fx.key.params() : {}) }));
const actionOf = (outcome: Awaited<ReturnType<S3Fixture['sync']>>, relPath: string) =>
  outcome.plan.folders.flatMap((f) => f.actions).find((a) => a.relPath === relPath);

async function verifyDatasetsFolder() {
  const spec = { ...fx.spec, ...datasetsOnly() };
  const state = await loadSyncState(fx.root);
  const manifest = await buildLocalManifest(spec, state);
  const prefixes = spec.folders.map((f) => folderPrefix(spec.prefix, f.remote));
  return verifyAgainst(manifest, fx.store, prefixes, 4, undefined, locallyRecordedHashes(spec, state));
}

describe('datasets without TrainDeck metadata (uploaded with awscli + SSE-C)', () => {
  it('are never "identical" without a hash, are hashed on first download and recorded, and verify', async () => {
    await putLikeAwscli(`${DS}foreign/train.csv`, 'a,b\n1,2\n');
    // A local file of the same size but other bytes: without a hash nothing may call it identical.
    await fx.writeLocal('cached_datasets', 'foreign/train.csv', 'x,y\n3,4\n');
    const first = await fx.sync('pull', { spec: datasetsOnly() });
    expect(actionOf(first, 'foreign/train.csv')).toMatchObject({ type: 'download' });
    expect(await readFile(fx.localPath('cached_datasets', 'foreign/train.csv'), 'utf8')).toBe('a,b\n1,2\n');

    // Recorded: the next pull knows it is identical, and verification passes on the recorded hash.
    const second = await fx.sync('pull', { spec: datasetsOnly() });
    expect(actionOf(second, 'foreign/train.csv')).toMatchObject({ type: 'skip', reason: 'identical' });
    const report = await verifyDatasetsFolder();
    expect(report.mismatches).toEqual([]);

    // A changed object (new ETag) is not covered by the old record: downloaded again.
    await putLikeAwscli(`${DS}foreign/train.csv`, 'a,b\n5,6\n');
    const third = await fx.sync('pull', { spec: datasetsOnly() });
    expect(actionOf(third, 'foreign/train.csv')).toMatchObject({ type: 'download' });
  });

  it('objects stored without SSE-C are flagged by name in the plan warnings and the summary', async () => {
    await putLikeAwscli(`${DS}plain/val.csv`, 'not encrypted\n', false);
    const pull = await fx.sync('pull', { spec: datasetsOnly() });
    expect(pull.summary?.unencrypted).toEqual([`${DS}plain/val.csv`]);
    expect(pull.events).toContainEqual(
      expect.objectContaining({ type: 'warning', message: expect.stringContaining(`${DS}plain/val.csv`) }),
    );
  });
});

describe('objects stored without SSE-C, as AWS answers a keyed read of them', () => {
  it('a 400 InvalidRequest ("not applicable") to the keyed HEAD and GET is read without the key and flagged, never taken for another key', async () => {
    await putLikeAwscli(`${DS}plain/aws.csv`, 'plain bytes\n', false);
    // AWS refuses SSE-C headers on an object stored without SSE-C (Ceph RGW answers 200).
    const notApplicable: FaultPlan = (request) =>
      request.path.endsWith('/plain/aws.csv') && request.headers['x-amz-server-side-encryption-customer-algorithm']
        ? {
            status: 400,
            code: 'InvalidRequest',
            message: 'The encryption parameters are not applicable to this object.',
          }
        : 'pass';
    const proxy = await startFaultProxy(inject('s3').endpoint, notApplicable);
    try {
      const store = createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key);
      const pull = await fx.sync('pull', { store, spec: datasetsOnly() });
      // The GET was refused with the key (a fresh pull sends no HEAD for what it downloads; the key
      // check's HEAD, when it samples this object, is refused too).
      expect(proxy.faults()).toBeGreaterThanOrEqual(1);
      expect(pull.summary).toMatchObject({ downloaded: 1, failures: [] });
      expect(pull.summary?.unencrypted).toContain(`${DS}plain/aws.csv`);
      expect(await readFile(fx.localPath('cached_datasets', 'plain/aws.csv'), 'utf8')).toBe('plain bytes\n');
      // Still flagged on the next sync (the baseline remembers), and still no refusal.
      const again = await fx.sync('pull', { store, spec: datasetsOnly() });
      expect(again.summary).toMatchObject({ downloaded: 0, failures: [] });
      expect(again.summary?.unencrypted).toContain(`${DS}plain/aws.csv`);
    } finally {
      await proxy.close();
    }
  });
});

describe('metadata write-back on Ceph RGW', () => {
  it('a same-key SSE-C copy is refused (501): said once for the sync, hashes kept locally, nothing changed in S3, nothing pulled again', async () => {
    const logs = 'runs/test/logs/';
    await putLikeAwscli(`${logs}w1.log`, 'one\n');
    await putLikeAwscli(`${logs}w2.log`, 'two\n');
    const logsOnly = { folders: fx.spec.folders.filter((f) => f.name === 'logs') };
    const first = await fx.sync('pull', { spec: logsOnly });
    expect(first.summary).toMatchObject({ downloaded: 2, failures: [] });
    const warnings = first.events.filter((e) => e.type === 'warning' && /write|written/.test(e.message));
    expect(warnings).toEqual([
      expect.objectContaining({ message: expect.stringContaining('cannot copy an SSE-C object onto itself (501') }),
    ]);
    const head = await fx.client.send(
      new HeadObjectCommand({ Bucket: fx.bucket, Key: `${logs}w1.log`, ...fx.key.params() }),
    );
    expect(head.Metadata?.['traindeck-sha256']).toBeUndefined();
    const state = await loadSyncState(fx.root);
    expect(state.folders.logs!.baseline['w2.log']!.sha256).toBe(sha('two\n'));
    const second = await fx.sync('pull', { spec: logsOnly });
    expect(second.summary).toMatchObject({ downloaded: 0, failures: [] });
    const push = await fx.sync('push', { spec: logsOnly });
    expect(push.summary).toMatchObject({ uploaded: 0, failures: [] });
  });
});

describe('traindeck datasets publish', () => {
  it('uploads a folder with SSE-C, INTELLIGENT_TIERING and the SHA-256; a second publish moves nothing; runs pull and verify it', async () => {
    const src = join(fx.root, '..', `publish-src-${Date.now()}`);
    await mkdir(join(src, 'images'), { recursive: true });
    await writeFile(join(src, 'train.parquet'), 'PAR1 published PAR1');
    await writeFile(join(src, 'images', 'a.bin'), 'image a');
    const first = await publishDatasets({ store: fx.store, spec: fx.spec, folder: 'cached_datasets', source: src });
    expect(first.summary).toMatchObject({ uploaded: 2, failures: [] });
    const head = await fx.client.send(
      new HeadObjectCommand({ Bucket: fx.bucket, Key: `${DS}train.parquet`, ...fx.key.params() }),
    );
    expect(head.StorageClass).toBe('INTELLIGENT_TIERING');
    expect(head.SSECustomerAlgorithm).toBe('AES256');
    expect(head.Metadata?.['traindeck-sha256']).toBe(sha('PAR1 published PAR1'));

    const again = await publishDatasets({ store: fx.store, spec: fx.spec, folder: 'cached_datasets', source: src });
    expect(again.summary).toMatchObject({ uploaded: 0, bytes: 0 });

    await fx.sync('pull', { spec: datasetsOnly() });
    expect(await readFile(fx.localPath('cached_datasets', 'images/a.bin'), 'utf8')).toBe('image a');
    expect((await verifyDatasetsFolder()).mismatches).toEqual([]);
  });

  it('replaces an object another tool wrote without metadata (one file as SRC), and refuses a folder that is not pull-only', async () => {
    await putLikeAwscli(`${DS}single.csv`, 'old');
    const dir = join(fx.root, '..', `single-${Date.now()}`);
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'single.csv');
    await writeFile(file, 'new!');
    const out = await publishDatasets({ store: fx.store, spec: fx.spec, folder: 'cached_datasets', source: file });
    expect(out.plan.folders[0]!.actions[0]).toMatchObject({
      type: 'upload',
      key: `${DS}single.csv`,
      reason: expect.stringContaining('without TrainDeck metadata'),
    });
    const head = await fx.client.send(
      new HeadObjectCommand({ Bucket: fx.bucket, Key: `${DS}single.csv`, ...fx.key.params() }),
    );
    expect(head.Metadata?.['traindeck-sha256']).toBe(sha('new!'));
    await expect(publishDatasets({ store: fx.store, spec: fx.spec, folder: 'models', source: file })).rejects.toThrow(
      /not a pull-only/,
    );
  });
});
