/**
 * Debian's Chromium, because Playwright cannot download its own browsers here. The flags
 * keep it from reaching for the network (refused here, and slow to fail) at every start.
 */
export const CHROMIUM_PATH = process.env.TRAINDECK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
