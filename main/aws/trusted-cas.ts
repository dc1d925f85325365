import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

import { TypedError } from '../../shared/ipc/result';

/**
 * How every HTTPS connection to AWS (or an AWS-compatible endpoint) is checked, for the SDK's agents
 * and the lean S3 clients alike: the chain and the name always (NODE_TLS_REJECT_UNAUTHORIZED=0 does
 * not turn it off), no renegotiation (Node would not verify the certificate of a second handshake),
 * and, when AWS_CA_BUNDLE is set, its certificates trusted instead of Node's roots.
 */
export interface TrustedTls {
  rejectUnauthorized: true;
  secureOptions: number;
  /** AWS_CA_BUNDLE's PEM certificates; absent: Node's roots (plus NODE_EXTRA_CA_CERTS). */
  ca?: string[];
}

/** {@link TrustedTls} of this environment; throws a sentence with its fix when AWS_CA_BUNDLE cannot be used. */
export function trustedTls(env: NodeJS.ProcessEnv): TrustedTls {
  const ca = caBundle(env);
  return {
    rejectUnauthorized: true,
    secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION,
    ...(ca ? { ca } : {}),
  };
}

/** The largest AWS_CA_BUNDLE read: every public root together is ~0.2 MiB. */
export const CA_BUNDLE_MAX = 16 * 2 ** 20;

const FIX =
  'Point AWS_CA_BUNDLE at the PEM file of the certificate authority of your AWS endpoints (or of the proxy that inspects TLS), or unset it.';

/**
 * The certificates of AWS_CA_BUNDLE (the AWS CLI's setting, which it applies to every service: a PEM
 * file trusted instead of the usual roots, as botocore hands it to OpenSSL alone), or undefined when
 * unset; the SDK for JavaScript does not read it. NODE_EXTRA_CA_CERTS (Node's own, added to the roots)
 * works too when AWS_CA_BUNDLE is unset. A link is followed (as the CLI does); only a regular file of
 * at most CA_BUNDLE_MAX is read: a pipe or a device (/dev/zero) would hold this synchronous read, made
 * as a client is built, for ever. Every certificate block is parsed here, so a bad one is named now
 * rather than met later as a refused certificate; text between blocks is skipped, as OpenSSL does.
 */
export function caBundle(env: NodeJS.ProcessEnv): string[] | undefined {
  const path = env.AWS_CA_BUNDLE;
  if (!path) return undefined;
  return readBundle(path);
}

/**
 * The last bundle read, by path and file identity: every client factory reads the bundle (a run's
 * ports make five clients at once), and parsing ~150 public roots each time would cost milliseconds.
 * A changed file (size, times, inode) is read again.
 */
let lastRead: { path: string; identity: string; blocks: string[] } | undefined;

function readBundle(path: string): string[] {
  let fd: number | undefined;
  try {
    // Non-blocking: opening a pipe without a writer must not wait; it is refused just below.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new TypedError('INVALID_REQUEST', `AWS_CA_BUNDLE names ${path}, which is not a regular file.`, {
        fix: FIX,
      });
    }
    if (stat.size > CA_BUNDLE_MAX) {
      const size = `${Math.round(stat.size / 2 ** 20)} MiB`;
      throw new TypedError(
        'INVALID_REQUEST',
        `AWS_CA_BUNDLE names ${path}, which is ${size}: far larger than a certificate bundle (at most ${CA_BUNDLE_MAX / 2 ** 20} MiB).`,
        { fix: FIX },
      );
    }
    const identity = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    if (lastRead?.path === path && lastRead.identity === identity) return lastRead.blocks.slice();
    const blocks = certificateBlocks(path, readFileSync(fd, 'utf8'));
    lastRead = { path, identity, blocks };
    return blocks.slice();
  } catch (error) {
    if (error instanceof TypedError) throw error;
    const why = (error as { code?: string }).code ?? (error as Error).message;
    throw new TypedError('INVALID_REQUEST', `AWS_CA_BUNDLE names ${path}, which cannot be read (${why}).`, {
      fix: FIX,
    });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

/** Each BEGIN…END CERTIFICATE block of `text`, every one a certificate OpenSSL reads, in order. */
function certificateBlocks(path: string, text: string): string[] {
  const blocks: string[] = [];
  let at = 0;
  let line = 1;
  for (let start = text.indexOf(BEGIN); start >= 0; start = text.indexOf(BEGIN, at)) {
    line += countLines(text, at, start);
    const number = blocks.length + 1;
    const end = text.indexOf(END, start + BEGIN.length);
    const next = text.indexOf(BEGIN, start + BEGIN.length);
    if (end < 0 || (next >= 0 && next < end)) throw badBlock(path, number, line, `has no ${END} line of its own`);
    const block = text.slice(start, end + END.length);
    try {
      new X509Certificate(block);
    } catch (error) {
      throw badBlock(path, number, line, `is not a certificate (${firstLine(error)})`);
    }
    blocks.push(block);
    at = end + END.length;
    line += countLines(text, start, at);
  }
  if (blocks.length === 0) {
    throw new TypedError('INVALID_REQUEST', `AWS_CA_BUNDLE names ${path}, which holds no PEM certificate.`, {
      fix: `Point AWS_CA_BUNDLE at the PEM file (${BEGIN}) of the certificate authority of your AWS endpoints (or of the proxy that inspects TLS), or unset it.`,
    });
  }
  return blocks;
}

function badBlock(path: string, number: number, line: number, what: string): TypedError {
  return new TypedError(
    'INVALID_REQUEST',
    `AWS_CA_BUNDLE names ${path}, whose certificate block ${number} (line ${line}) ${what}.`,
    {
      fix: `Replace that block with the certificate authority's PEM certificate (\`openssl x509 -noout -subject -in FILE\` reads one), or unset AWS_CA_BUNDLE.`,
    },
  );
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) lines += 1;
  return lines;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim() || 'unreadable';
}
