import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A server certificate (PEM) and its private key. */
export interface TestCertificate {
  cert: string;
  key: string;
}

/** A throw-away CA and the server certificates a TLS fault test needs, all made by openssl on the spot. */
export interface TestCertificates {
  /** The CA the client trusts (PEM). */
  ca: string;
  /** For 127.0.0.1 and localhost, valid now, issued by `ca`. */
  valid: TestCertificate;
  /** Valid now, issued by `ca`, for another name only (s3.elsewhere.test). */
  wrongName: TestCertificate;
  /** For 127.0.0.1 and localhost, issued by `ca`, expired in 2020. */
  expired: TestCertificate;
  /** For 127.0.0.1 and localhost, valid now, issued by another CA the client does not trust. */
  untrusted: TestCertificate;
  /** Valid now, issued by `ca`, for the wildcard *.s3.test only (as AWS's *.s3.amazonaws.com). */
  wildcard: TestCertificate;
}

const LOOPBACK = 'IP:127.0.0.1,DNS:localhost';

/**
 * Makes a CA and five server certificates in a temporary folder (removed before returning): EC
 * P-256 keys, so the whole set takes well under a second. `openssl ca` is used because it alone
 * can set a validity in the past (the expired certificate).
 */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'traindeck-certs-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  try {
    const makeCa = (name: string) => {
      openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
      openssl(
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/CN=TrainDeck test ${name}`,
        '-days',
        '2',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-out',
        `${name}.pem`,
      );
      writeFileSync(join(dir, `${name}.index`), '');
      writeFileSync(join(dir, `${name}.serial`), '1000\n');
      writeFileSync(
        join(dir, `${name}.cnf`),
        [
          '[ca]',
          `default_ca = ${name}`,
          `[${name}]`,
          `database = ${name}.index`,
          `serial = ${name}.serial`,
          'new_certs_dir = .',
          'default_md = sha256',
          'policy = any',
          'copy_extensions = copy',
          'unique_subject = no',
          '[any]',
          'commonName = supplied',
          '',
        ].join('\n'),
      );
    };
    const issue = (ca: string, name: string, altNames: string, dates: string[]): TestCertificate => {
      openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
      openssl(
        'req',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=${altNames}`,
        '-out',
        `${name}.csr`,
      );
      openssl(
        'ca',
        '-batch',
        '-notext',
        '-config',
        `${ca}.cnf`,
        '-cert',
        `${ca}.pem`,
        '-keyfile',
        `${ca}.key`,
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.pem`,
        ...dates,
      );
      return { cert: read(`${name}.pem`), key: read(`${name}.key`) };
    };
    makeCa('ca');
    makeCa('other-ca');
    const now = ['-days', '2'];
    return {
      ca: read('ca.pem'),
      valid: issue('ca', 'valid', LOOPBACK, now),
      wrongName: issue('ca', 'wrong-name', 'DNS:s3.elsewhere.test', now),
      expired: issue('ca', 'expired', LOOPBACK, ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']),
      untrusted: issue('other-ca', 'untrusted', LOOPBACK, now),
      wildcard: issue('ca', 'wildcard', 'DNS:*.s3.test', now),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
