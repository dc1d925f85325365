import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Debian's Chromium, because Playwright cannot download its own browsers here. The flags
 * keep it from reaching for the network (refused here, and slow to fail) at every start.
 * Kept in JSON so that plain scripts (scripts/render-icons.mjs) read the same flags.
 */
const flags = JSON.parse(readFileSync(join(import.meta.dirname, 'chromium-flags.json'), 'utf8')) as {
  path: string;
  args: string[];
};

export const CHROMIUM_PATH = process.env.TRAINDECK_CHROMIUM ?? flags.path;

export const CHROMIUM_ARGS: string[] = flags.args;
