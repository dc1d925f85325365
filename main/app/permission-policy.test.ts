import { describe, expect, it } from 'vitest';

import { isPermissionGranted } from './permission-policy';

describe('the permission policy', () => {
  it('grants the sanitized clipboard write to our renderer in the main window', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', { isMainWindowRenderer: true })).toBe(true);
  });

  it('refuses it to any other page or window', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', { isMainWindowRenderer: false })).toBe(false);
  });

  it('refuses every other permission, including clipboard reads, to everyone', () => {
    for (const permission of [
      'clipboard-read',
      'media',
      'notifications',
      'geolocation',
      'openExternal',
      'fullscreen',
      'fileSystem',
      'Clipboard-Sanitized-Write',
      '',
    ]) {
      expect(isPermissionGranted(permission, { isMainWindowRenderer: true }), permission).toBe(false);
    }
  });
});
