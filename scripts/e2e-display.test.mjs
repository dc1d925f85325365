import { describe, expect, it } from 'vitest';

import { playwrightInvocation } from './e2e-display.mjs';

const base = { platform: 'linux', env: {}, hasXvfbRun: true, electronFound: true, args: ['--project', 'electron'] };

describe('how the end-to-end tests start', () => {
  it('runs under xvfb-run -a on Linux with no display when the Electron specs will run', () => {
    expect(playwrightInvocation(base)).toEqual({
      command: 'xvfb-run',
      args: ['-a', 'npx', 'playwright', 'test', '--project', 'electron'],
    });
  });

  it('runs Playwright directly with a display, off Linux, or when the Electron specs skip anyway', () => {
    for (const input of [
      { ...base, env: { DISPLAY: ':0' } },
      { ...base, env: { WAYLAND_DISPLAY: 'wayland-0' } },
      { ...base, platform: 'darwin' },
      { ...base, electronFound: false },
    ]) {
      expect(playwrightInvocation(input)).toEqual({
        command: 'npx',
        args: ['playwright', 'test', '--project', 'electron'],
      });
    }
  });

  it('says what to install when there is neither a display nor xvfb-run', () => {
    expect(playwrightInvocation({ ...base, hasXvfbRun: false }).note).toMatch(/apt-get install xvfb/);
  });
});
