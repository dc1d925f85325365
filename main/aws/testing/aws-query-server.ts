import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers: region names and the account; everything else is an empty success or an error. */
export interface AwsQueryServerOptions {
  regions?: string[];
  account?: string;
  /** vCPU quota Service Quotas reports. */
  vcpuQuota?: number;
}

/** A running {@link startAwsQueryServer}. */
export interface AwsQueryServer {
  endpoint: string;
  /** Operations served, in order. */
  calls(): string[];
  close(): Promise<void>;
}

/**
 * A tiny AWS-compatible endpoint on loopback for the SDK's HTTP path: EC2 (DescribeRegions,
 * DescribeInstances), STS (GetCallerIdentity) and Service Quotas (GetServiceQuota) answer as
 * AWS does, in their own protocols; any other operation gets the protocol's `InvalidAction`.
 * The stateful fake (`fake-aws.ts`) stays behind the ports; this one exists so the SDK's real
 * serializers, retries and error parsers run (put `startFaultProxy` in front to break it).
 */
export async function startAwsQueryServer(options: AwsQueryServerOptions = {}): Promise<AwsQueryServer> {
  const regions = options.regions ?? ['us-east-1', 'eu-west-1'];
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') {
        const operation = target.split('.').pop() ?? '';
        calls.push(operation);
        const answer =
          operation === 'GetServiceQuota' || operation === 'GetAWSDefaultServiceQuota'
            ? { status: 200, body: { Quota: { Value: options.vcpuQuota ?? 64 } } }
            : { status: 400, body: { __type: 'InvalidAction', message: `${operation} is not served here` } };
        const text = JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(text);
        return;
      }
      const params = new URLSearchParams(body);
      new URL(req.url ?? '/', 'http://x').searchParams.forEach((value, key) => params.append(key, value));
      const action = params.get('Action') ?? '';
      calls.push(action);
      const xml = queryAnswer(action, regions, options.account ?? '123456789012');
      res.writeHead(xml ? 200 : 400, { 'content-type': 'text/xml' });
      res.end(
        xml ??
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action} is not served here</Message></Error></Errors><RequestID>q</RequestID></Response>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => [...calls],
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function queryAnswer(action: string, regions: string[], account: string): string | undefined {
  const ec2 = (name: string, inner: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>q</requestId>${inner}</${name}>`;
  if (action === 'DescribeRegions') {
    return ec2(
      'DescribeRegionsResponse',
      `<regionInfo>${regions.map((r) => `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`).join('')}</regionInfo>`,
    );
  }
  if (action === 'DescribeInstances') return ec2('DescribeInstancesResponse', '<reservationSet/>');
  if (action === 'GetCallerIdentity') {
    return `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${account}:user/test</Arn><UserId>AIDTEST</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>q</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}
