import { isIP, Socket } from 'node:net';

import { setOutboundCheck } from '../outbound-check';

/**
 * Tests talk to loopback only (never to AWS, never to the internet, not even DNS). Installed in every vitest
 * worker by `loopback-only.setup.ts`; two layers, so that nothing slips between them:
 * - every AWS SDK client the factories of main/aws make, and the lean S3 path, run the outbound
 *   check (`outbound-check.ts`), which names the client and the operation;
 * - every TCP or TLS connection of the process (`net.Socket#connect`, which node:http, node:https,
 *   fetch, ssh2 and the SDK's own credential and IMDS lookups all go through) to a host that is
 *   not loopback is refused before any DNS lookup or packet.
 * A refused request fails with the sentence, and is also recorded: code that swallows the error
 * (a price lookup falling back to the bundled table) still fails its test (the setup's afterEach).
 * A name under `.invalid` (a test's unknown host) fails as DNS would say, ENOTFOUND, without a query.
 */

const VIOLATIONS = Symbol.for('traindeck.loopback-only.violations');
type WithViolations = { [VIOLATIONS]?: string[] };

/** The refusals recorded since the last call, emptied (the setup fails the test that has any). */
export function takeLoopbackViolations(): string[] {
  return ((globalThis as WithViolations)[VIOLATIONS] ??= []).splice(0);
}

/** Throws one error holding every refusal recorded since the last call (each once); nothing when there was none. */
export function throwIfLoopbackViolations(): void {
  const refused = [...new Set(takeLoopbackViolations())];
  if (refused.length) throw new Error(refused.join('\n'));
}

function record(sentence: string): string {
  ((globalThis as WithViolations)[VIOLATIONS] ??= []).push(sentence);
  return sentence;
}

/** True for a host that can only be this machine: 127.0.0.0/8, ::1, the unspecified address, "localhost". */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  if (family === 4) return bare.startsWith('127.') || bare === '0.0.0.0';
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    if (mapped) return isLoopbackHost(mapped[1]!);
    return bare === '::1' || bare === '::' || /^(0{1,4}:){7}0{0,3}1$/.test(bare);
  }
  return false;
}

/**
 * True for a name under `.invalid`, which never resolves (RFC 6761): tests use one for an unknown host.
 * Such a connection fails as an unknown host does (ENOTFOUND), here at once and without asking DNS.
 */
export function isInvalidName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'invalid' || name.endsWith('.invalid');
}

/** The error Node gives for a host name that does not resolve, without the query. */
function notFound(host: string): Error {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname: host,
  });
}

const FIX =
  'Tests talk to loopback only: give the client an endpoint on 127.0.0.1 (AwsSettings.endpoints or ' +
  'AWS_ENDPOINT_URL_<SERVICE> of a test server such as main/aws/testing/aws-query-server.ts), or use the in-memory fake.';

/** The sentence for a request an AWS client of ours was about to send to a host that is not loopback. */
export function outboundRefusal(client: string, host: string): string {
  return `This test made ${client} send a request to ${host}, which is not loopback. ${FIX}`;
}

/** The sentence for a connection to a host that is not loopback, naming the code that opened it. */
export function connectRefusal(host: string, port: unknown, caller: string | undefined): string {
  const where = caller ? ` (opened by ${caller})` : '';
  return `This test opened a connection to ${host}:${String(port)}${where}, which is not loopback. ${FIX}`;
}

/** Host and port of `Socket#connect`'s arguments; undefined for a Unix socket or a file descriptor. */
export function connectTarget(args: unknown[]): { host: string; port: unknown } | undefined {
  // net.connect and tls.connect pass their arguments already normalized: [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: unknown; port?: unknown; path?: unknown; fd?: unknown };
    // As Node decides: a path (node:http passes `path: null`) makes it a Unix socket.
    if ((typeof options.path === 'string' && options.path) || typeof options.fd === 'number') return undefined;
    return { host: typeof options.host === 'string' && options.host ? options.host : 'localhost', port: options.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { host: typeof args[1] === 'string' && args[1] ? args[1] : 'localhost', port: first };
  }
  return undefined; // a path: a Unix socket
}

/** What asked for the connection: the first stack frame of ours, else the first outside Node's own code. */
function callerOf(stack: string | undefined): string | undefined {
  const frames = (stack ?? '')
    .split('\n')
    .slice(1)
    .filter((line) => !/\(node:|at node:|loopback-only\.ts/.test(line));
  const ours = frames.find((line) => !line.includes('node_modules'));
  return (ours ?? frames[0])?.trim().replace(/^at /, '');
}

let installed = false;

/** Installs both layers in this process (once): the outbound check of our AWS clients and the connect guard. */
export function installLoopbackOnly(): void {
  if (installed) return;
  installed = true;
  setOutboundCheck(({ client, host }) => {
    // A `.invalid` name goes on, to fail as an unknown host at the connect guard below.
    if (!isLoopbackHost(host) && !isInvalidName(host)) throw new Error(record(outboundRefusal(client, host)));
  });

  const connect = Socket.prototype.connect;
  Socket.prototype.connect = function guardedConnect(this: Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (!target || isLoopbackHost(target.host)) return (connect as (...a: unknown[]) => Socket).apply(this, args);
    let failure: Error;
    if (isInvalidName(target.host)) {
      failure = notFound(target.host);
    } else {
      failure = new Error(record(connectRefusal(target.host, target.port, callerOf(new Error().stack))));
      // A code no retry strategy knows: the call fails at once instead of backing off and trying again.
      Object.assign(failure, { code: 'ELOOPBACKONLY' });
    }
    // As a failed connection does: the socket errors on a later tick, nothing was sent.
    process.nextTick(() => this.destroy(failure));
    return this;
  } as typeof Socket.prototype.connect;
}
