/**
 * The lean paths over HTTPS on real Ceph RGW (its TLS endpoint, a throw-away CA trusted through
 * AWS_CA_BUNDLE), as every user's sync runs: AWS takes SSE-C over HTTPS only.
 * Invariants: a small push and pull with SSE-C over HTTPS bring back the same bytes, the small
 * files coming over the lean HTTP/1.1 client's TLS connections (not node:https); a file pulled in
 * ranges comes back byte-equal, its ranges read by the direct client on TLS connections straight
 * into the download's slabs (not node:https); what was pushed is refused without the key and with
 * another one, whole or in ranges; a CA that is not the endpoint's is refused with a sentence naming
 * AWS_CA_BUNDLE, before any file is written, and a ranged read over it sends nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';

import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';

import { Http1Client } from '../aws/http1-client';
import { Http1DirectClient } from '../aws/http1-direct-client';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { makeTestCertificates } from '../aws/testing/test-certificates';
import { SseKey } from './sse-key';
import { createS3Fixture, type S3Fixture } from './testing/s3-fixture';

const tls = inject('s3').tls;
let fx: S3Fixture;
const names = Array.from({ length: 12 }, (_, i) => `part-${i}.log`);
const contents = names.map((_, i) => randomBytes(2048 + i * 511));
const MiB = 1024 * 1024;
/** 1 MiB ranges from 2 MiB up: the 6.5 MiB model below is 7 ranged GETs. */
const RANGED = { concurrency: 4, multipartThreshold: 2 * MiB, partSize: MiB / 4 };
const model = randomBytes(6.5 * MiB);
const MODEL_KEY = 'runs/test/models/big.bin';
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  fx = await createS3Fixture('lean-tls');
});
afterAll(async () => {
  for (const suffix of ['-copy', '-other', '-untrusted', '-ranged', '-ranged-other']) {
    await rm(`${fx.root}${suffix}`, { recursive: true, force: true });
  }
  await fx.cleanup();
});

/** A client of the test S3's HTTPS endpoint trusting `caFile` (the endpoint's own CA by default). */
const httpsClient = (caFile = tls!.caFile) => fx.clientFor(tls!.endpoint, {}, { AWS_CA_BUNDLE: caFile });

describe.skipIf(!tls)('the lean path over HTTPS (Ceph RGW TLS endpoint)', () => {
  if (!tls) console.warn('skipped: this S3 has no HTTPS endpoint (TRAINDECK_TEST_S3_TLS_ENDPOINT and _CA_FILE unset)');

  it('pushes and pulls small files with SSE-C; the pull reads them over the lean client on TLS connections', async () => {
    for (const [i, name] of names.entries()) await fx.writeLocal('logs', name, contents[i]!);
    const store = createS3ObjectStore(httpsClient(), fx.bucket, fx.key);
    expect((await fx.sync('push', { store })).summary).toMatchObject({ uploaded: names.length, failures: [] });

    const requests = vi.spyOn(Http1Client.prototype, 'request');
    try {
      const copy = `${fx.root}-copy`;
      const pull = await fx.sync('pull', { store, spec: { localRoot: copy } });
      expect(pull.summary).toMatchObject({ downloaded: names.length, failures: [] });
      for (const [i, name] of names.entries()) {
        expect((await readFile(`${copy}/logs/${name}`)).equals(contents[i]!)).toBe(true);
      }
      // Every small file came over the lean client, and that client speaks TLS to the HTTPS port.
      expect(requests.mock.calls.length).toBeGreaterThanOrEqual(names.length);
      const targets = requests.mock.contexts.map((client) => (client as unknown as { target: object }).target);
      expect(targets).toContainEqual(
        expect.objectContaining({ port: Number(new URL(tls!.endpoint).port), tls: expect.anything() }),
      );
      expect(targets.every((t) => 'tls' in t)).toBe(true);
    } finally {
      requests.mockRestore();
    }
  });

  it('pulls a file in ranges with SSE-C: byte-equal, each range read by the direct client on a TLS connection into the slabs', async () => {
    await fx.seed(MODEL_KEY, model);
    const store = createS3ObjectStore(httpsClient(), fx.bucket, fx.key);
    const requests = vi.spyOn(Http1DirectClient.prototype, 'request');
    try {
      const copy = `${fx.root}-ranged`;
      const pull = await fx.sync('pull', { store, spec: { ...RANGED, localRoot: copy } });
      expect(pull.summary).toMatchObject({ failures: [] });
      expect(sha(await readFile(`${copy}/models/big.bin`))).toBe(sha(model));
      // Every range went over the direct client, which speaks TLS to the HTTPS port and read the bodies into the slabs.
      expect(requests.mock.calls.length).toBeGreaterThanOrEqual(7);
      const clients = new Set(requests.mock.contexts as Http1DirectClient[]);
      for (const client of clients) {
        const { target } = client as unknown as { target: { port: number; tls?: object } };
        expect(target).toMatchObject({ port: Number(new URL(tls!.endpoint).port), tls: expect.anything() });
      }
      const direct = [...clients].reduce((sum, client) => sum + client.reads.direct, 0);
      expect(direct).toBeGreaterThan(model.length * 0.8);
    } finally {
      requests.mockRestore();
    }
  });

  it('a ranged read with another key is refused as a wrong key, and a pull in ranges with it writes nothing', async () => {
    const other = createS3ObjectStore(httpsClient(), fx.bucket, new SseKey(randomBytes(32)));
    await expect(other.getRange!(MODEL_KEY, { start: 0, end: MiB - 1 })).rejects.toMatchObject({ kind: 'wrong-key' });
    const pull = fx.sync('pull', { store: other, spec: { ...RANGED, localRoot: `${fx.root}-ranged-other` } });
    await expect(pull).rejects.toThrow(/not with yours/);
    expect(existsSync(`${fx.root}-ranged-other/models`)).toBe(false);
  });

  it('what went up over HTTPS is refused without the key, and a pull with another key writes nothing', async () => {
    const key = `${fx.spec.prefix}/logs/${names[0]}`;
    const plain = await httpsClient()
      .send(new GetObjectCommand({ Bucket: fx.bucket, Key: key }))
      .catch((e: unknown) => e);
    expect((plain as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);

    const other = createS3ObjectStore(httpsClient(), fx.bucket, new SseKey(randomBytes(32)));
    await expect(other.getWhole!(key, contents[0]!.length)).rejects.toMatchObject({ kind: 'wrong-key' });
    const pull = fx.sync('pull', { store: other, spec: { localRoot: `${fx.root}-other` } });
    await expect(pull).rejects.toThrow(/not with yours/);
    expect(existsSync(`${fx.root}-other/logs`)).toBe(false);
  });

  it('an endpoint whose certificate is not from AWS_CA_BUNDLE is refused, said with the fix, and nothing is written', async () => {
    const otherCa = `${fx.root}-untrusted-ca.pem`;
    await writeFile(otherCa, makeTestCertificates().ca);
    const store = createS3ObjectStore(httpsClient(otherCa), fx.bucket, fx.key);
    const error = await fx
      .sync('pull', { store, spec: { localRoot: `${fx.root}-untrusted` } })
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/certificate/i);
    expect((error as { fix?: string }).fix).toMatch(/AWS_CA_BUNDLE/);
    expect(existsSync(`${fx.root}-untrusted/logs`)).toBe(false);
    // The ranged path checks the certificate as the small-object one does: refused, not a network failure.
    const ranged = await store.getRange!(MODEL_KEY, { start: 0, end: MiB - 1 }).catch((e: unknown) => e);
    expect(ranged).toMatchObject({ details: { certificate: true } });
    await rm(otherCa, { force: true });
  });
});
