import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SpotInterruption } from '../../../shared/monitor/health';
import { IMDS_TOKEN_PATH, SPOT_ACTION_PATH } from '../../../shared/monitor/spot-notice';

/** What one fake instance's metadata service knows (a test may change it while it serves). */
export interface FakeImdsState {
  instanceId?: string;
  zone?: string;
  market?: 'on-demand' | 'spot';
  /** The instance role's keys (served under iam/security-credentials/, as the SDK's provider reads them). */
  roleCredentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** The spot instance-action document once AWS scheduled the end (404 before, as on EC2). */
  spotAction?: SpotInterruption | undefined;
}

const ROLE_NAME = 'traindeck-role';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';

/**
 * IMDSv2 as an instance launched with `HttpTokens=required` answers: a PUT of the token path with a
 * TTL header gives a session token; every GET without a token the service issued is 401. Serves the
 * instance id, zone, life cycle, the spot instance-action notice and the role's keys.
 */
export function imdsAnswer(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  state: FakeImdsState,
  tokens: Set<string>,
): { status: number; body: string } {
  if (path === IMDS_TOKEN_PATH) {
    const ttl = Number(headers['x-aws-ec2-metadata-token-ttl-seconds']);
    if (method !== 'PUT') return { status: 405, body: 'Method Not Allowed' };
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return { status: 400, body: 'Bad Request' };
    const token = randomBytes(24).toString('base64url');
    tokens.add(token);
    return { status: 200, body: token };
  }
  const token = headers['x-aws-ec2-metadata-token'];
  if (typeof token !== 'string' || !tokens.has(token)) return { status: 401, body: 'Unauthorized' };
  if (method !== 'GET') return { status: 405, body: 'Method Not Allowed' };
  const found = (body: string | undefined) => (body === undefined ? notFound : { status: 200, body });
  switch (path) {
    case '/latest/meta-data/instance-id':
      return found(state.instanceId);
    case '/latest/meta-data/placement/availability-zone':
      return found(state.zone);
    case '/latest/meta-data/instance-life-cycle':
      return found(state.market === 'spot' ? 'spot' : state.market ? 'on-demand' : undefined);
    case SPOT_ACTION_PATH:
      return found(state.spotAction ? JSON.stringify(state.spotAction) : undefined);
    case CREDENTIALS_PATH:
      return found(state.roleCredentials ? ROLE_NAME : undefined);
    case `${CREDENTIALS_PATH}${ROLE_NAME}`: {
      const keys = state.roleCredentials;
      if (!keys) return notFound;
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      // Token is required by the SDK's parser; empty, so no session token is signed (the S3 store has long-term keys).
      const body = { Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: keys.accessKeyId, Token: '' };
      return {
        status: 200,
        body: JSON.stringify({ ...body, SecretAccessKey: keys.secretAccessKey, Expiration: expiration }),
      };
    }
    default:
      return notFound;
  }
}

const notFound = { status: 404, body: 'Not Found' };

/** A running {@link startFakeImds}. */
export interface FakeImds {
  /** `http://127.0.0.1:PORT`: what `AWS_EC2_METADATA_SERVICE_ENDPOINT` (or the spot watch's `imdsBase`) points at. */
  base: string;
  /** Read and change what it answers (e.g. set `spotAction` to post a spot interruption notice). */
  state: FakeImdsState;
  /** Requests served, in order (`GET /latest/…`). */
  requests(): string[];
  close(): Promise<void>;
}

/** One instance's IMDSv2 on a free loopback port (see {@link imdsAnswer}). */
export async function startFakeImds(state: FakeImdsState = {}): Promise<FakeImds> {
  const tokens = new Set<string>();
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      seen.push(`${req.method ?? 'GET'} ${path}`);
      const answer = imdsAnswer(req.method ?? 'GET', path, req.headers, state, tokens);
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    requests: () => [...seen],
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
