import { describe, expect, it } from 'vitest';

import { isDocumentationUrl } from './external-links';

describe('isDocumentationUrl: what shell.openExternal may open', () => {
  it('opens https documentation pages', () => {
    expect(isDocumentationUrl('https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html')).toBe(true);
    expect(isDocumentationUrl('https://github.com/traindeck/traindeck#readme')).toBe(true);
  });

  it('refuses any other site, scheme, port, credentials and look-alike hosts', () => {
    for (const url of [
      'https://evil.example/',
      'http://docs.aws.amazon.com/',
      'file:///etc/passwd',
      'smb://attacker/share',
      'ms-msdt:/id PCWDiagnostic',
      'javascript:alert(1)',
      'https://docs.aws.amazon.com.evil.example/',
      'https://evil.example/docs.aws.amazon.com',
      'https://user:pass@github.com/',
      'https://github.com:8443/',
      'https://gist.github.com/',
      'not a url',
    ]) {
      expect(isDocumentationUrl(url), url).toBe(false);
    }
  });
});
