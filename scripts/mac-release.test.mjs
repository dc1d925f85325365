import { describe, expect, it } from 'vitest';

import { buildsForMac, macReleaseProblem } from './mac-release.mjs';

const signed = { CSC_LINK: 'cert.p12', CSC_KEY_PASSWORD: 'x' };

describe('a macOS release build', () => {
  it('fails clearly without a certificate or notarization credentials, naming each', () => {
    const text = macReleaseProblem({})?.join('\n') ?? '';
    expect(text).toContain('Gatekeeper blocks an unsigned download');
    expect(text).toContain('CSC_LINK (+ CSC_KEY_PASSWORD) or CSC_NAME');
    expect(text).toContain('APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER');
    expect(text).toContain('APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID');
    expect(text).toContain('TRAINDECK_UNSIGNED_MAC=1');
  });

  it('names only what is missing', () => {
    const text = macReleaseProblem({ ...signed, APPLE_ID: 'me@example.com' })?.join('\n') ?? '';
    expect(text).not.toContain('CSC_LINK');
    expect(text).toContain('notarization credentials');
  });

  it('passes with a certificate and any complete set of notarization credentials', () => {
    expect(macReleaseProblem({ ...signed, APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'i' })).toBe(
      undefined,
    );
    expect(
      macReleaseProblem({
        CSC_NAME: 'Developer ID',
        APPLE_ID: 'a',
        APPLE_APP_SPECIFIC_PASSWORD: 'p',
        APPLE_TEAM_ID: 't',
      }),
    ).toBe(undefined);
    expect(macReleaseProblem({ ...signed, APPLE_KEYCHAIN: 'k', APPLE_KEYCHAIN_PROFILE: 'p' })).toBe(undefined);
    expect(macReleaseProblem({ TRAINDECK_UNSIGNED_MAC: '1' })).toBe(undefined);
  });

  it('is what `npm run dist` builds on a Mac by default or with --mac, not for Linux or Windows targets', () => {
    expect(buildsForMac([], 'darwin')).toBe(true);
    expect(buildsForMac(['--mac'], 'linux')).toBe(true);
    expect(buildsForMac(['--linux', 'deb'], 'darwin')).toBe(false);
    expect(buildsForMac([], 'linux')).toBe(false);
    expect(buildsForMac(['--win'], 'win32')).toBe(false);
  });
});
