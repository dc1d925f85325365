import { join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

import { appDataDir } from './app-paths';

describe('the app data folder', () => {
  it('takes a relative TRAINDECK_DATA_DIR from the current folder (Electron refuses a relative userData)', () => {
    expect(appDataDir({ TRAINDECK_DATA_DIR: 'td-data' }, 'linux', '/home/me')).toBe(resolve('td-data'));
    expect(appDataDir({ TRAINDECK_DATA_DIR: '/srv/td' }, 'linux', '/home/me')).toBe('/srv/td');
  });

  it("is each platform's usual place otherwise", () => {
    expect(appDataDir({}, 'linux', '/home/me')).toBe(join('/home/me', '.config', 'TrainDeck'));
    expect(appDataDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/me')).toBe(join('/x', 'TrainDeck'));
    expect(appDataDir({}, 'darwin', '/Users/me')).toBe(
      join('/Users/me', 'Library', 'Application Support', 'TrainDeck'),
    );
  });
});
