import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EVERY_CLIENT_FACTORY } from './testing/every-client-factory';
import { makeTestCertificates, type TestCertificates } from './testing/test-certificates';
import { trustedTls } from './trusted-cas';

// Invariant: AWS_CA_BUNDLE is either used whole — every BEGIN/END CERTIFICATE block a certificate,
// the text between blocks skipped as OpenSSL skips it — or refused as a client is made, by every
// client factory alike, with a sentence that names the file (and the bad block with its line) and a
// fix; never read from something that is not a regular file of a bundle's size, never waited on.

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const JUNK_BLOCK = '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n';

let certs: TestCertificates;
let dir: string;
const at = (file: string) => join(dir, file);
const linesOf = (text: string) => text.split('\n').length - 1;
beforeAll(() => {
  certs = makeTestCertificates();
  dir = mkdtempSync(join(tmpdir(), 'traindeck-trusted-cas-'));
  const write = (file: string, text: string) => writeFileSync(at(file), text);
  write('ca.pem', certs.ca);
  write('two.pem', `# the test CA, then the server's own certificate\n${certs.ca}\n\n${certs.valid.cert}`);
  write('crlf.pem', certs.ca.replace(/\n/g, '\r\n'));
  write('text-around.pem', `# comment\n\u0000binary junk\n${certs.ca}trailing junk`);
  symlinkSync(at('ca.pem'), at('link-to-ca.pem'));
  write('not-pem.txt', 'not a certificate\n');
  write('key-only.pem', certs.valid.key);
  write('junk-block.pem', JUNK_BLOCK);
  write('ca-then-junk.pem', `# comment\n${certs.ca}${JUNK_BLOCK}`);
  // A body with dashes: the old reader's pattern ([^-]+) skipped such a block without a word.
  write('ca-then-dashes.pem', `${certs.ca}-----BEGIN CERTIFICATE-----\nnot-base64-at-all\n-----END CERTIFICATE-----\n`);
  const lines = certs.ca.split('\n');
  write('truncated.pem', [...lines.slice(0, 3), ...lines.slice(5)].join('\n'));
  write('unclosed.pem', `${certs.ca}-----BEGIN CERTIFICATE-----\n${lines[1]}\n`);
  write('no-end-before-next.pem', `-----BEGIN CERTIFICATE-----\n${lines[1]}\n${certs.ca}`);
  execFileSync('mkfifo', [at('pipe.pem')]);
  write('huge.pem', certs.ca);
  truncateSync(at('huge.pem'), 64 * 2 ** 20); // sparse: costs no disk
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('AWS_CA_BUNDLE that can be used', () => {
  it.each([
    ['one certificate', 'ca.pem', 1],
    ['two certificates, text between them', 'two.pem', 2],
    ['CRLF line ends', 'crlf.pem', 1],
    ['text and binary junk around the block', 'text-around.pem', 1],
    ['a link to the file', 'link-to-ca.pem', 1],
  ])('%s: every certificate, as its PEM block', (_what, file, count) => {
    const ca = trustedTls({ AWS_CA_BUNDLE: at(file) }).ca!;
    expect(ca).toHaveLength(count);
    for (const block of ca) expect(block).toMatch(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/);
  });

  it('unset: no CA of its own (Node roots, plus NODE_EXTRA_CA_CERTS); verification always on, no renegotiation', () => {
    const trust = trustedTls({});
    expect(trust).not.toHaveProperty('ca');
    expect(trust.rejectUnauthorized).toBe(true);
    expect(trust.secureOptions).toBeGreaterThan(0);
  });

  it('a file changed after a read is read again: a bundle that became junk is refused', () => {
    writeFileSync(at('changing.pem'), certs.ca);
    expect(trustedTls({ AWS_CA_BUNDLE: at('changing.pem') }).ca).toHaveLength(1);
    writeFileSync(at('changing.pem'), JUNK_BLOCK);
    expect(() => trustedTls({ AWS_CA_BUNDLE: at('changing.pem') })).toThrow(/certificate block 1 \(line 1\)/);
  });
});

const UNUSABLE: Array<[string, string, string | RegExp]> = [
  ['a missing file', 'missing.pem', /cannot be read \(ENOENT\)\.$/],
  ['a file without a PEM certificate', 'not-pem.txt', /holds no PEM certificate\.$/],
  ['a private key only', 'key-only.pem', /holds no PEM certificate\.$/],
  ['a folder', '.', /which is not a regular file\.$/],
  // Read synchronously as a client is made: the reader once waited here for ever for a writer.
  ['a named pipe', 'pipe.pem', /which is not a regular file\.$/],
  ['a file far larger than a bundle', 'huge.pem', /which is 64 MiB: far larger than a certificate bundle/],
  // Certificate-shaped junk once passed the read, and came back later as "certificate refused".
  ['one block of junk', 'junk-block.pem', /whose certificate block 1 \(line 1\) is not a certificate \(.+\)\.$/],
  ['a good block, then junk', 'ca-then-junk.pem', 'block 2 (line CA+2)'],
  ['a good block, then one whose body has dashes', 'ca-then-dashes.pem', 'block 2 (line CA+1)'],
  ['a truncated certificate', 'truncated.pem', /whose certificate block 1 \(line 1\) is not a certificate/],
  ['a block never closed', 'unclosed.pem', /block 2 \(line \d+\) has no -----END CERTIFICATE----- line of its own\.$/],
  [
    'a block whose END is the next block’s',
    'no-end-before-next.pem',
    /block 1 \(line 1\) has no -----END CERTIFICATE-----/,
  ],
];

/** The expected message part, with `CA` standing for the test CA's line count. */
const expected = (message: string | RegExp): string | RegExp =>
  typeof message === 'string'
    ? `whose certificate ${message.replace(/CA\+(\d)/, (_, n: string) => String(linesOf(certs.ca) + Number(n)))}`
    : message;

describe('AWS_CA_BUNDLE that cannot be used', () => {
  it.each(UNUSABLE)('%s: a sentence naming the file, with its fix', (_what, file, message) => {
    const read = () => trustedTls({ AWS_CA_BUNDLE: at(file) });
    expect(read).toThrow(expected(message));
    expect(read).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.stringContaining(at(file)) }),
    );
    expect(read).toThrow(expect.objectContaining({ fix: expect.stringMatching(/AWS_CA_BUNDLE/) }));
  });

  describe.each(EVERY_CLIENT_FACTORY)('$id: its factory refuses it as the client is made', ({ call }) => {
    it.each(UNUSABLE)('%s', (_what, file, message) => {
      const settings = { region: 'us-east-1', credentials, env: { AWS_CA_BUNDLE: at(file) } };
      expect(() => call(settings)).toThrow(expected(message));
    });
  });
});
