import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';

import { systemClock } from '../../core/clock';
import { AWS_SERVICE_IDS, type AwsServiceId } from '../endpoints';
import { FakeAws } from '../fake/fake-aws';
import type { FakeEc2Region } from '../fake/fake-ec2-region';
import type { Ec2Port } from '../ports/aws-ports';
import { accountAction } from './account-query-actions';
import { ec2Action } from './ec2-query-actions';
import { loadFakeAws, persistFakeAws, scaledClock } from './fake-aws-state';
import { imdsAnswer } from './fake-imds';
import {
  ec2Answer,
  el,
  errorAnswer,
  itemSet,
  type QueryAnswer,
  type QueryRequest,
  signingScope,
} from './query-protocol';

/**
 * The services this server answers: all but S3 (a real store's: Ceph RGW in tests). The Price List too, so no
 * test's price lookup leaves this machine for AWS's real endpoint.
 */
const SERVED = AWS_SERVICE_IDS.filter((id) => id !== 'S3');

/** Where the fake's instances answer SSH: their public IP (port 22 there) and the host key cloud-init prints. */
export interface InstanceSsh {
  /** A loopback address (127.x.y.z) whose port 22 is a real sshd or the SSH fault server. */
  address: string;
  hostKeyFingerprint: string;
  /** That sshd's authorized_keys: a launch appends its key pair's public key, as cloud-init does. */
  authorizedKeysFile?: string;
}

/** What the server answers. */
export interface AwsQueryServerOptions {
  /** Regions of a new account (ignored when `account` or a saved `stateFile` gives one). */
  regions?: string[];
  account?: string;
  /** The applied vCPU quota Service Quotas reports where the account has none set (else: none applied, the default 64). */
  vcpuQuota?: number;
  /** The stateful account behind the endpoint; by default a new one on the wall clock. */
  fake?: FakeAws;
  /**
   * The account's state file: loaded when it exists (a restarted server sees the same account),
   * rewritten atomically after every request that changed it.
   */
  stateFile?: string;
  /** Speed of the fake's time for an account made or loaded here (e.g. 100: a 60-s boot takes 0.6 s). */
  timeScale?: number;
  /** Where launched instances answer SSH; without it they keep the fake's unreachable 203.0.113.x addresses. */
  instanceSsh?: InstanceSsh;
  /**
   * The instance role's keys, served by an IMDSv2 on this same endpoint (`/latest/…`): point
   * the instance's `AWS_EC2_METADATA_SERVICE_ENDPOINT` here and its SDK finds them as on EC2.
   */
  instanceRoleCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Serve HTTPS with this certificate (e.g. one of a private CA: `test-certificates.ts`); plain HTTP without. */
  tls?: { cert: string; key: string };
}

/** A running {@link startAwsQueryServer}. */
export interface AwsQueryServer {
  endpoint: string;
  /** The account behind it (inspect or seed it; the state file follows the next request). */
  fake: FakeAws;
  /** Operations served, in order. */
  calls(): string[];
  /** TCP connections accepted so far (over HTTPS, a handshake the client refused counts too). */
  connections(): number;
  /** Where instances launched from now on answer SSH. */
  setInstanceSsh(ssh: InstanceSsh | undefined): void;
  /** Every service it serves → its URL, for `AwsSettings.endpoints` (add `S3` for a real store). */
  endpoints(): Partial<Record<AwsServiceId, string>>;
  /** The `AWS_ENDPOINT_URL_*` variables that send every client it serves here (all but S3). */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * An AWS-compatible endpoint on loopback over the stateful fake account (`fake-aws.ts`): EC2
 * (launch, inventory, cleanup, status, console, spot prices), STS, IAM, SSM, Service Quotas,
 * ELB v2 and CloudWatch answer in their own protocols, so the SDK's real serializers, retries
 * and error parsers run; anything else gets the protocol's `InvalidAction`. Region and service
 * come from the request's SigV4 scope, so one URL serves every `AWS_ENDPOINT_URL_<ID>`. With a
 * `stateFile` the account outlives any process that used it (kill -9 of the CLI, a restart of
 * this server). Put `startFaultProxy` in front to break it.
 */
export async function startAwsQueryServer(options: AwsQueryServerOptions = {}): Promise<AwsQueryServer> {
  const scale = options.timeScale ?? 1;
  const fake =
    options.fake ??
    (options.stateFile && existsSync(options.stateFile)
      ? loadFakeAws(readFileSync(options.stateFile, 'utf8'), (now) => scaledClock(now, scale))
      : new FakeAws({
          clock: scale === 1 ? systemClock : scaledClock(Date.now(), scale),
          regions: options.regions ?? ['us-east-1', 'eu-west-1'],
        }));
  if (options.account) fake.account = options.account;
  const persist = options.stateFile ? persistFakeAws(fake, options.stateFile) : () => undefined;
  persist();
  let instanceSsh = options.instanceSsh;
  // One port per region, kept: RunInstances' client tokens are remembered by it.
  const ports = fake.ports();
  const ec2Ports = new Map<string, Ec2Port>();
  const ec2Of = (region: string) => {
    if (!ec2Ports.has(region)) ec2Ports.set(region, ports.ec2(region));
    return ec2Ports.get(region)!;
  };
  const calls: string[] = [];
  const imds = { roleCredentials: options.instanceRoleCredentials };
  const imdsTokens = new Set<string>();
  const answer = async (request: QueryRequest, isJson: boolean): Promise<QueryAnswer> => {
    try {
      const served =
        request.service !== 'ec2'
          ? await accountAction(fake, request, options.vcpuQuota)
          : request.action === 'DescribeRegions'
            ? regionsAnswer(await ports.regions.listEnabledRegions())
            : await ec2Action(ec2Of(request.region), request);
      const launched = request.action === 'RunInstances' && /<instanceId>([^<]+)</.exec(served?.body ?? '')?.[1];
      if (launched && instanceSsh) pointAtSsh(fake.region(request.region), launched, instanceSsh);
      return served ?? errorAnswer(request.service, 'InvalidAction', `${request.action} is not served here`, isJson);
    } catch (error) {
      const code = error instanceof Error ? error.name : 'InternalError';
      return errorAnswer(request.service, code, error instanceof Error ? error.message : String(error), isJson);
    } finally {
      persist();
    }
  };
  const listener: RequestListener = (req, res) => {
    void readBody(req).then(async (body) => {
      if (req.url?.startsWith('/latest/')) {
        const metadata = imdsAnswer(req.method ?? 'GET', req.url, req.headers, imds, imdsTokens);
        res.writeHead(metadata.status, { 'content-type': 'text/plain' }).end(metadata.body);
        return;
      }
      const scope = signingScope(req.headers.authorization);
      const target = req.headers['x-amz-target'];
      const isJson = typeof target === 'string';
      const params = new URLSearchParams(isJson ? '' : body);
      new URL(req.url ?? '/', 'http://x').searchParams.forEach((value, key) => params.append(key, value));
      const action = isJson ? (target.split('.').pop() ?? '') : (params.get('Action') ?? '');
      calls.push(action);
      const json = isJson && body ? (JSON.parse(body) as Record<string, unknown>) : {};
      const reply = await answer({ ...scope, action, params, json }, isJson);
      res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body);
    });
  };
  const server: NetServer & Pick<HttpServer, 'closeAllConnections'> = options.tls
    ? createHttpsServer(options.tls, listener)
    : createServer(listener);
  let connections = 0;
  server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = options.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    fake,
    calls: () => [...calls],
    connections: () => connections,
    setInstanceSsh: (ssh) => void (instanceSsh = ssh),
    endpoints: () => Object.fromEntries(SERVED.map((id) => [id, endpoint])),
    env: () => Object.fromEntries(SERVED.map((id) => [`AWS_ENDPOINT_URL_${id}`, endpoint])),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

// A launched instance answers SSH where the test says, with the host key cloud-init would print
// and its key pair authorized.
function pointAtSsh(region: FakeEc2Region, id: string, ssh: InstanceSsh): void {
  const instance = region.instances.get(id);
  if (!instance) return;
  instance.publicIp = ssh.address;
  instance.hostKeyFingerprints = [ssh.hostKeyFingerprint];
  const publicKey = instance.keyName ? region.keyPairs.get(instance.keyName)?.publicKey : undefined;
  if (ssh.authorizedKeysFile && publicKey) appendFileSync(ssh.authorizedKeysFile, `${publicKey}\n`);
}

const regionsAnswer = (regions: string[]) =>
  ec2Answer(
    'DescribeRegions',
    itemSet(
      'regionInfo',
      regions.map(
        (r) =>
          el('regionName', r) +
          el('regionEndpoint', `ec2.${r}.amazonaws.com`) +
          el('optInStatus', 'opt-in-not-required'),
      ),
    ),
  );

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}
