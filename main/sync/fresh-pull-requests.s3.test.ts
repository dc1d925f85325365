import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';

import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';

import { createS3ObjectStore } from '../aws/s3-object-store';
import { keyMarkerKey } from './key-identity';
import { type FaultProxy, startFaultProxy } from './testing/fault-proxy';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

// Issue 16, small downloads, on the real Ceph RGW: every HTTP request of a fresh pull is counted
// by a proxy between the engine and the server. One request per object (its GET): the GET's
// answer carries the recorded SHA-256 and mtime, the size and the SSE-C headers a HEAD would.
let fx: S3Fixture;
let proxy: FaultProxy;
/** Method, path and query of every request the proxy passed. */
let urls: string[];
beforeEach(async () => {
  fx = await createS3Fixture('fresh-pull');
  urls = [];
  proxy = await startFaultProxy(
    inject('s3').endpoint,
    (request) => (urls.push(`${request.method} ${request.url}`), 'pass'),
  );
});
afterEach(async () => {
  await proxy.close();
  await rm(`${fx.root}-copy`, { recursive: true, force: true });
  await fx.cleanup();
});

/** The object requests the proxy saw, as `METHOD key`, leaving out the bucket-level ones (HEAD bucket, listing). */
const objectRequests = () =>
  proxy
    .log()
    .map((entry) => /^(\w+) \/[^/]+\/(.+)$/.exec(entry.operation))
    .flatMap((m) => (m ? [`${m[1]} ${decodeURIComponent(m[2]!)}`] : []));

describe('a fresh pull on Ceph RGW', () => {
  it('sends one GET per object and no HEAD (60 small files); the files are the ones pushed', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `part-${String(i).padStart(2, '0')}.log`);
    for (const name of names) await fx.writeLocal('logs', name, randomBytes(4096 + names.indexOf(name)));
    expect((await fx.sync('push')).summary).toMatchObject({ uploaded: 60, failures: [] });

    const store = createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key);
    const copy = `${fx.root}-copy`;
    const pull = await fx.sync('pull', { store, spec: { localRoot: copy } });
    expect(pull.summary).toMatchObject({ downloaded: 60, failures: [] });

    const requests = objectRequests();
    const marker = keyMarkerKey(fx.spec.prefix);
    expect(requests.filter((r) => !r.endsWith(marker)).sort()).toEqual(
      names.map((name) => `GET ${fx.spec.prefix}/logs/${name}`).sort(),
    );
    expect(requests.filter((r) => r.endsWith(marker))).toEqual([`HEAD ${marker}`]); // the key check
    for (const name of names.slice(0, 3)) {
      expect(await readFile(`${copy}/logs/${name}`)).toEqual(await readFile(fx.localPath('logs', name)));
    }
    // Whether the bucket blocks SSE-C uploads is a push's question: Ceph answers it with a listing of the
    // bucket's first 1,000 objects, a round trip and ~0.3 MB before the first download.
    expect(urls.filter((url) => /[?&]encryption(=|&|$)/.test(url))).toEqual([]);
    const pushStore = createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key);
    await fx.writeLocal('logs', 'one-more.log', 'more');
    expect((await fx.sync('push', { store: pushStore })).summary).toMatchObject({ uploaded: 1, failures: [] });
    expect(urls.filter((url) => /[?&]encryption(=|&|$)/.test(url))).toHaveLength(1);
  });

  it('Ceph answers a keyed GET of an object stored without SSE-C with the object (one request, no SSE-C header): the pull downloads it in one request and says it is unencrypted', async () => {
    await fx.writeLocal('logs', 'ours.log', 'ours'); // gives the prefix its key marker
    await fx.sync('push');
    const plainKey = `${fx.spec.prefix}/logs/plain.csv`;
    const bytes = randomBytes(900);
    await fx.client.send(new PutObjectCommand({ Bucket: fx.bucket, Key: plainKey, Body: bytes }));

    // What the server itself answers: the lean path's keyed GET is the only request (the adapter
    // would make a second, plain one after a 400, as AWS answers), and no algorithm header came back.
    const store = createS3ObjectStore(fx.clientFor(proxy.endpoint), fx.bucket, fx.key);
    const got = await store.get(plainKey);
    got.body.resume();
    expect(got.head).toMatchObject({ size: 900, encrypted: false });
    expect(objectRequests()).toEqual([`GET ${plainKey}`]);

    const pull = await fx.sync('pull', { store, spec: { localRoot: `${fx.root}-copy` } });
    expect(pull.summary).toMatchObject({ downloaded: 2, failures: [], unencrypted: [plainKey] });
    expect(pull.events).toContainEqual(
      expect.objectContaining({ type: 'warning', message: expect.stringContaining(`stored without SSE-C`) }),
    );
    expect(objectRequests().filter((r) => r.endsWith('plain.csv'))).toEqual([`GET ${plainKey}`, `GET ${plainKey}`]);
    expect(await readFile(`${fx.root}-copy/logs/plain.csv`)).toEqual(bytes);
  });
});
