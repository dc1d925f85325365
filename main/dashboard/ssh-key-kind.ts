/** What the start of a file says it is, as far as an SSH login or a git checkout cares. */
export type SshKeyKind = 'openssh-private' | 'pem-private' | 'public' | 'putty' | 'other';

/** Public key lines as OpenSSH writes them (`<type> AAAA… [comment]`), also an authorized_keys line with options. */
const PUBLIC_LINE =
  /^(?:\S+\s+)?(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s+AAAA/;

/**
 * The kind of key a file holds, from its first bytes (no parsing, no passphrase): an OpenSSH
 * private key, a PEM private key (RSA/EC/DSA/PKCS#8, which OpenSSH and ssh2 read as well), a
 * public key (the `.pub` next to it, a common mix-up), a PuTTY key, or something else.
 */
export function sshKeyKind(head: string): SshKeyKind {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')) return 'openssh-private';
  if (/^-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----/.test(text)) return 'pem-private';
  if (text.startsWith('PuTTY-User-Key-File-')) return 'putty';
  if (text.startsWith('---- BEGIN SSH2 PUBLIC KEY ----') || PUBLIC_LINE.test(text)) return 'public';
  return 'other';
}

/** Why a file of `kind` cannot be used as an SSH private key (a plain sentence with its fix); undefined when it can. */
export function privateKeyProblem(kind: SshKeyKind): string | undefined {
  switch (kind) {
    case 'openssh-private':
    case 'pem-private':
      return undefined;
    case 'public':
      return 'is a public key: choose the private key file (the same name without .pub)';
    case 'putty':
      return 'is a PuTTY key: convert it with PuTTYgen (Conversions → Export OpenSSH key) and choose that file';
    case 'other':
      return 'is not an OpenSSH private key (it should start with "-----BEGIN OPENSSH PRIVATE KEY-----")';
  }
}
