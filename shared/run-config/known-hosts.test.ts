import { describe, expect, it } from 'vitest';

import { knownHostsProblem } from './known-hosts';
import { codeSchema } from './run-sections';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

describe('known_hosts text is read as OpenSSH reads it', () => {
  it('accepts ssh-keyscan lines, hashed hosts, markers, comments and blank lines', () => {
    expect(knownHostsProblem(`github.com ssh-ed25519 ${KEY}`)).toBeUndefined();
    expect(knownHostsProblem(`[127.0.0.1]:2222 ssh-ed25519 ${KEY} test@host`)).toBeUndefined();
    expect(
      knownHostsProblem(`# git server\n\n|1|abc=|def= ssh-rsa ${KEY}\n@cert-authority *.corp ssh-ed25519 ${KEY}\n`),
    ).toBeUndefined();
  });

  it('says which line is wrong and how', () => {
    expect(knownHostsProblem(`ssh-ed25519 ${KEY}`)).toMatch(/^The line starts with a key type: put the host first/);
    expect(knownHostsProblem('github.com')).toMatch(/^The line is not a known_hosts line/);
    expect(knownHostsProblem(`github.com ssh-ed25519 ${KEY}\ngitlab.com ssh-foo ${KEY}`)).toBe(
      'Line 2 has an unknown key type "ssh-foo" (expected e.g. ssh-ed25519).',
    );
    expect(knownHostsProblem('github.com ssh-ed25519 AAAA!!')).toMatch(/not base64/);
  });

  it('the schema refuses a bad known_hosts with the config key for the CLI', () => {
    const parsed = codeSchema.safeParse({ repoUrl: 'https://github.com/a/b.git', knownHosts: 'github.com' });
    expect(parsed.error?.issues[0]?.message).toMatch(/^code\.knownHosts: The line is not a known_hosts line/);
  });
});
