import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { hasUrlUserinfo, redactStrings, redactUrlUserinfo } from './redact-url';

// Userinfo characters as git and browsers accept them: anything but separators and whitespace.
const userinfo = fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:-]{1,80}$/);
const text = fc.string({ maxLength: 40 }).map((s) => s.replace(/@/g, ''));

describe('URL credentials are redacted wherever text is kept or shown', () => {
  it('no https/http userinfo survives, whatever surrounds it (property)', () => {
    fc.assert(
      fc.property(
        text,
        fc.constantFrom('https://', 'http://', 'HTTPS://', 'ftp://'),
        userinfo,
        text,
        (before, scheme, secret, after) => {
          const line = `${before} ${scheme}${secret}@github.com/acme/train.git ${after}`;
          const out = redactUrlUserinfo(line);
          expect(out).toContain(`${scheme}***@github.com/acme/train.git`);
          expect(out.replace(`${scheme}***@`, '')).not.toContain(`${secret}@`);
          expect(redactUrlUserinfo(out)).toBe(out); // idempotent
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('keeps ssh logins, which are not secrets, but not an ssh password', () => {
    expect(redactUrlUserinfo('cloning ssh://git@git.example.com:22/a/b.git')).toBe(
      'cloning ssh://git@git.example.com:22/a/b.git',
    );
    expect(redactUrlUserinfo('ssh://me:hunter2@host/x')).toBe('ssh://***@host/x');
    expect(redactUrlUserinfo('git@github.com:acme/train.git and mail me@example.com')).toBe(
      'git@github.com:acme/train.git and mail me@example.com',
    );
  });

  it('walks events: every string of an object or array, other values kept', () => {
    const event = {
      type: 'phase',
      reason: 'git clone of https://x:ghp_abc@github.com/a/b failed',
      n: 3,
      list: ['https://t@h/'],
    };
    expect(redactStrings(event)).toEqual({
      type: 'phase',
      reason: 'git clone of https://***@github.com/a/b failed',
      n: 3,
      list: ['https://***@h/'],
    });
  });

  it('hasUrlUserinfo tells a token URL from a plain one', () => {
    expect(hasUrlUserinfo('https://x-access-token:ghp_abc@github.com/a/b.git')).toBe(true);
    expect(hasUrlUserinfo('https://ghp_abc@github.com/a/b.git')).toBe(true);
    expect(hasUrlUserinfo('https://github.com/a/b.git')).toBe(false);
    expect(hasUrlUserinfo('https://github.com/a/b.git?x=@y')).toBe(false);
  });
});
