import { createServer, get as httpGet, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect as netConnect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type AwsSettings, createPricingClient, createS3Client, createStsClient } from '../client-factory';
import { EMPTY_SHA256, leanS3For } from '../s3-lean-requests';
import { createPriceListAdapter } from '../sdk/price-list-adapter';
import { EVERY_CLIENT_FACTORY } from './every-client-factory';
import { connectTarget, isLoopbackHost, takeLoopbackViolations, throwIfLoopbackViolations } from './loopback-only';

// Invariant: while tests run (this file runs under the setup like every other), no request of an AWS
// client of ours and no TCP/TLS connection reaches a host that is not loopback; each attempt fails with
// a sentence naming the client (or the caller) and the host, and fails its test even when swallowed.

const credentials = { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-test-secret' };

/** One client per factory, and a harmless call of it (the service name AWS signs for, to tell them apart). */
const FACTORIES = EVERY_CLIENT_FACTORY;

const settings: AwsSettings = { region: 'eu-west-1', credentials, maxAttempts: 1 };

/** A loopback HTTP server that records each request and answers 400 with an empty body (the call fails; we only look). */
async function startRecorder(): Promise<{ server: Server; url: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    seen.push(request);
    request.resume();
    response.writeHead(400, { 'content-length': '0' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const signedFor = (request: IncomingMessage) =>
  /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1];

// No profile of this machine's ~/.aws may add an endpoint or a region: only what each test sets.
beforeAll(() => {
  vi.stubEnv('AWS_CONFIG_FILE', join(tmpdir(), 'traindeck-no-such-aws-config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(tmpdir(), 'traindeck-no-such-aws-credentials'));
  for (const id of ['', ...FACTORIES.map((f) => `_${f.id}`)]) vi.stubEnv(`AWS_ENDPOINT_URL${id}`, undefined);
});
afterAll(() => vi.unstubAllEnvs());
afterEach(() => {
  for (const id of ['', ...FACTORIES.map((f) => `_${f.id}`)]) vi.stubEnv(`AWS_ENDPOINT_URL${id}`, undefined);
});

describe('a client built without an endpoint', () => {
  it.each(FACTORIES)('$id: the call fails before it is sent, naming the client and the host', async ({ id, call }) => {
    const failure = await call(settings).then(
      () => undefined,
      (error: Error) => error,
    );
    const refused = takeLoopbackViolations();
    expect(refused).toHaveLength(1);
    expect(failure?.message).toBe(refused[0]);
    expect(refused[0]).toMatch(/^This test made the .+ client \(\w+\) send a request to [a-z0-9.-]+\.amazonaws\.com, /);
    expect(refused[0]).toContain('which is not loopback. Tests talk to loopback only: give the client an endpoint');
    if (id === 'PRICING') expect(refused[0]).toContain('the Price List client (DescribeServices)');
  });

  it('is still caught when the caller swallows the error (the price lookup that fell back to the bundled table)', async () => {
    const adapter = createPriceListAdapter(createPricingClient(settings));
    // The error may be swallowed by any caller: the refusal stays recorded for the setup's afterEach.
    await adapter.regionProducts('eu-west-1').catch(() => undefined);
    expect(() => throwIfLoopbackViolations()).toThrow(
      /^This test made the Price List client \(GetProducts\) send a request to api\.pricing\.us-east-1\.amazonaws\.com, /,
    );
    // Emptied by the throw: this test itself passes.
    expect(takeLoopbackViolations()).toEqual([]);
  });

  it('the lean S3 path refuses too, and names itself', async () => {
    const lean = leanS3For(createS3Client(settings), 'bucket');
    expect(await lean?.usable()).toBe(false);
    const refused = takeLoopbackViolations();
    expect(refused).toEqual([expect.stringContaining('the lean S3 request path (s3-lean-requests.ts)')]);
    expect(refused[0]).toContain('bucket.s3.eu-west-1.amazonaws.com');
  });
});

describe('every client factory honours the standard endpoint variables', () => {
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  beforeAll(async () => {
    recorder = await startRecorder();
  });
  afterAll(() => new Promise<void>((resolve) => recorder.server.close(() => resolve())));

  it.each(FACTORIES)('$id: AWS_ENDPOINT_URL_$id alone sends it to loopback', async ({ id, signingName, call }) => {
    vi.stubEnv(`AWS_ENDPOINT_URL_${id}`, recorder.url);
    const before = recorder.seen.length;
    await call(settings).catch(() => undefined);
    const sent = recorder.seen.slice(before);
    expect(sent.map(signedFor)).toEqual([signingName]);
    expect(sent[0]!.headers.host).toBe(new URL(recorder.url).host);
  });

  it.each(FACTORIES)('$id: AWS_ENDPOINT_URL alone sends it to loopback', async ({ signingName, call }) => {
    vi.stubEnv('AWS_ENDPOINT_URL', recorder.url);
    const before = recorder.seen.length;
    await call(settings).catch(() => undefined);
    expect(recorder.seen.slice(before).map(signedFor)).toEqual([signingName]);
  });

  it('the lean S3 path goes where AWS_ENDPOINT_URL_S3 points', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_S3', recorder.url);
    const before = recorder.seen.length;
    const lean = leanS3For(createS3Client(settings), 'bucket')!;
    const answer = await lean.send({ method: 'HEAD', key: 'a/b', headers: {}, payloadSha256: EMPTY_SHA256 });
    answer?.body.resume();
    expect(answer?.status).toBe(400);
    expect(recorder.seen.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual(['HEAD /bucket/a/b']);
  });
});

describe('connections', () => {
  const refusedConnection = (socket: { once(event: 'error', listener: (error: Error) => void): unknown }) =>
    new Promise<Error & { code?: string }>((resolve) => socket.once('error', resolve));

  it('net and tls connections to a host that is not loopback fail at once, naming the host and the caller', async () => {
    const error = await refusedConnection(netConnect({ host: '203.0.113.9', port: 22 }));
    expect(error.code).toBe('ELOOPBACKONLY');
    expect(error.message).toMatch(
      /^This test opened a connection to 203\.0\.113\.9:22 \(opened by .*loopback-only\.test\.ts/,
    );
    const tls = await refusedConnection(tlsConnect({ host: 'ec2.us-east-1.amazonaws.com', port: 443 }));
    expect(tls.message).toContain('ec2.us-east-1.amazonaws.com:443');
    // IMDS, where the SDK's default credential chain looks last.
    const imds = await refusedConnection(httpGet('http://169.254.169.254/latest/api/token'));
    expect(imds.message).toContain('169.254.169.254:80');
    await expect(fetch('https://pricing.us-east-1.amazonaws.com/')).rejects.toThrow();
    expect(takeLoopbackViolations()).toEqual([
      expect.stringContaining('203.0.113.9:22'),
      expect.stringContaining('ec2.us-east-1.amazonaws.com:443'),
      expect.stringContaining('169.254.169.254:80'),
      expect.stringContaining('pricing.us-east-1.amazonaws.com:443'),
    ]);
  });

  it("a name under .invalid (a test's unknown host) fails as not found, without asking DNS and without a refusal", async () => {
    const lookup = vi.fn();
    const error = await refusedConnection(netConnect({ host: 'sts.traindeck-test.invalid', port: 80, lookup }));
    expect(error).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'sts.traindeck-test.invalid' });
    expect(lookup).not.toHaveBeenCalled();
    vi.stubEnv('AWS_ENDPOINT_URL_STS', 'http://sts.traindeck-test.invalid');
    const sdk = await createStsClient(settings)
      .send(new GetCallerIdentityCommand({}))
      .catch((e: Error & { code?: string }) => e);
    expect(sdk).toMatchObject({ code: 'ENOTFOUND' });
    expect(takeLoopbackViolations()).toEqual([]);
  });

  it('loopback addresses and Unix sockets connect as before', async () => {
    const server = createNetServer((socket) => socket.end('hi'));
    const path = join(tmpdir(), `traindeck-loopback-${process.pid}.sock`);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const read = (socket: ReturnType<typeof netConnect>) =>
      new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk) => (text += String(chunk)));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    expect(await read(netConnect(port, '127.0.0.1'))).toBe('hi');
    expect(await read(netConnect({ port, host: 'localhost', family: 4 }))).toBe('hi');
    expect(await read(netConnect({ port }))).toBe('hi');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const unix = createNetServer((socket) => socket.end('unix'));
    await new Promise<void>((resolve) => unix.listen(path, resolve));
    expect(await read(netConnect(path))).toBe('unix');
    await new Promise<void>((resolve) => unix.close(() => resolve()));
    expect(takeLoopbackViolations()).toEqual([]);
  });

  it('tells loopback hosts from the rest', () => {
    for (const host of [
      '127.0.0.1',
      '127.3.2.1',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
      '::',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '10.0.0.1',
      '169.254.169.254',
      'fd00:ec2::254',
      '203.0.113.5',
      'ec2.us-east-1.amazonaws.com',
      'localhost.example.com',
      'example.invalid',
      '127.0.0.1.nip.io',
      '::ffff:10.0.0.1',
      '128.0.0.1',
      '',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it("reads Socket#connect's argument forms", () => {
    expect(connectTarget([{ host: 'h', port: 1 }])).toEqual({ host: 'h', port: 1 });
    expect(connectTarget([[{ host: 'h', port: 1 }, null]])).toEqual({ host: 'h', port: 1 });
    expect(connectTarget([{ port: 1 }])).toEqual({ host: 'localhost', port: 1 });
    expect(connectTarget([80, 'example.com'])).toEqual({ host: 'example.com', port: 80 });
    expect(connectTarget(['80'])).toEqual({ host: 'localhost', port: '80' });
    expect(connectTarget(['/run/x.sock'])).toBeUndefined();
    expect(connectTarget([{ path: '/run/x.sock' }])).toBeUndefined();
    // node:http's agent passes the options it got, its `path: null` included: a TCP connection.
    expect(connectTarget([[{ host: 'h', port: 80, path: null }, null]])).toEqual({ host: 'h', port: 80 });
  });
});
