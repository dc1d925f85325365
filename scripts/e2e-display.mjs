// How `npm run test:e2e` starts Playwright: the Electron specs open real windows, so on a Linux
// box without a display (CI, a container, SSH) they run under `xvfb-run -a` (a private X server
// on a free display number). Pure, so scripts/e2e-display.test.mjs covers it.

/**
 * @param {{ platform: NodeJS.Platform, env: Record<string, string | undefined>, hasXvfbRun: boolean, electronFound: boolean, args: string[] }} input
 * @returns {{ command: string, args: string[], note?: string }}
 */
export function playwrightInvocation(input) {
  const playwright = ['playwright', 'test', ...input.args];
  const noDisplay = input.platform === 'linux' && !input.env.DISPLAY && !input.env.WAYLAND_DISPLAY;
  // Without the binary the Electron specs skip (with their reason): no display is needed then.
  if (!noDisplay || !input.electronFound) return { command: 'npx', args: playwright };
  if (!input.hasXvfbRun) {
    return {
      command: 'npx',
      args: playwright,
      note: 'No DISPLAY and no xvfb-run: the Electron specs cannot open a window. Install xvfb (apt-get install xvfb) or run them in a desktop session.',
    };
  }
  return { command: 'xvfb-run', args: ['-a', 'npx', ...playwright] };
}
