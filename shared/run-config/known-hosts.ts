/** Key types OpenSSH writes into known_hosts (and ssh-keyscan prints). */
const HOST_KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-dss',
]);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads known_hosts text as OpenSSH does (`[@marker] hosts keytype base64-key [comment]`; blank
 * lines and `#` comments skipped) and says what is wrong with the first bad line, as a plain
 * sentence naming its line number; undefined when every line is a host key line.
 */
export function knownHostsProblem(text: string): string | undefined {
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const where =
      lines.filter((l) => l.trim() && !l.trim().startsWith('#')).length > 1 ? `Line ${index + 1}` : 'The line';
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) fields.shift();
    const [hosts, type, key] = fields;
    if (hosts?.startsWith('ssh-') || HOST_KEY_TYPES.has(hosts ?? '')) {
      return `${where} starts with a key type: put the host first, e.g. "github.com ssh-ed25519 AAAA…" (ssh-keyscan HOST prints such lines).`;
    }
    if (!type || !key) {
      return `${where} is not a known_hosts line: it needs the host, the key type and the key (ssh-keyscan HOST prints such lines).`;
    }
    if (!HOST_KEY_TYPES.has(type)) return `${where} has an unknown key type "${type}" (expected e.g. ssh-ed25519).`;
    if (!BASE64.test(key) || key.length % 4 !== 0) return `${where} has a key that is not base64: copy the whole line.`;
  }
  return undefined;
}
