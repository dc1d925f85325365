#!/usr/bin/env node
/**
 * Regenerates TrainDeck's checked-in PNG icons from their SVG sources.
 *
 *   node scripts/render-icons.mjs            # writes into assets/
 *   node scripts/render-icons.mjs --out DIR  # writes the same tree under DIR (for review)
 *
 * Sources:
 *   assets/icon.svg          app icon  -> assets/icon.png (512) and assets/icons/NxN.png (N >= 48)
 *   assets/icon-small.svg    simplified app icon -> assets/icons/16x16.png and 32x32.png, where the
 *                            full icon's rails and sleepers would blur into noise
 *   assets/tray/*.svg        tray icons (16-unit grid) -> tray*-16.png and tray*-16@2x.png
 *   assets/tray/mac/*Template.svg  macOS menu bar template images (black + alpha; the name ending
 *                            in "Template" is how Electron and macOS know) -> *Template.png and @2x
 *
 * The SVGs are rendered by headless Chromium (through @playwright/test, using the
 * system /usr/bin/chromium or $CHROMIUM_PATH) with a transparent background, so the
 * output matches what a browser draws. The PNGs are committed; this script only exists
 * so that they can be regenerated after the SVGs change.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const outFlag = process.argv.indexOf('--out');
const outRoot = outFlag >= 0 ? path.resolve(process.argv[outFlag + 1] ?? '') : root;
if (outFlag >= 0 && !process.argv[outFlag + 1]) {
  console.error('usage: node scripts/render-icons.mjs [--out DIR]');
  process.exit(2);
}

const APP_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512];
/** App icon sizes up to this one are drawn from the simplified icon-small.svg. */
const SMALL_ICON_MAX = 32;
const TRAY_VARIANTS = ['tray', 'tray-active', 'tray-alert'];

/** @type {{ src: string, out: string, size: number }[]} */
const jobs = [{ src: 'assets/icon.svg', out: 'assets/icon.png', size: 512 }];
for (const size of APP_ICON_SIZES) {
  // electron-builder's linux icon folder convention: assets/icons/<size>x<size>.png
  const src = size <= SMALL_ICON_MAX ? 'assets/icon-small.svg' : 'assets/icon.svg';
  jobs.push({ src, out: `assets/icons/${size}x${size}.png`, size });
}
for (const name of TRAY_VARIANTS) {
  jobs.push({ src: `assets/tray/${name}.svg`, out: `assets/tray/${name}-16.png`, size: 16 });
  jobs.push({ src: `assets/tray/${name}.svg`, out: `assets/tray/${name}-16@2x.png`, size: 32 });
}

for (const name of ['idle', 'active', 'alert']) {
  jobs.push({ src: `assets/tray/mac/${name}Template.svg`, out: `assets/tray/mac/${name}Template.png`, size: 16 });
  jobs.push({ src: `assets/tray/mac/${name}Template.svg`, out: `assets/tray/mac/${name}Template@2x.png`, size: 32 });
}

// The same browser and flags as the e2e tests (e2e/support/chromium-flags.json).
const chromiumFlags = JSON.parse(await readFile(path.join(root, 'e2e', 'support', 'chromium-flags.json'), 'utf8'));
const executablePath = process.env.TRAINDECK_CHROMIUM ?? chromiumFlags.path;
if (!existsSync(executablePath)) {
  console.error(`Chromium not found at ${executablePath}: apt-get install -y chromium (or set TRAINDECK_CHROMIUM)`);
  process.exit(1);
}

/** Reads width/height from a PNG's IHDR chunk. */
function pngSize(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

const browser = await chromium.launch({
  executablePath,
  args: chromiumFlags.args,
});
try {
  const context = await browser.newContext({ deviceScaleFactor: 1 });
  const page = await context.newPage();
  const sources = new Map();
  for (const job of jobs) {
    if (!sources.has(job.src)) sources.set(job.src, await readFile(path.join(root, job.src), 'utf8'));
    // Inline the SVG (so its internal #id references resolve) and size it in CSS pixels;
    // the viewBox scales the drawing to exactly `size` x `size` device pixels.
    const svg = sources
      .get(job.src)
      .replace(/<\?xml[^>]*\?>/, '')
      .replace(/<svg\b/, `<svg style="display:block;width:${job.size}px;height:${job.size}px"`);
    await page.setViewportSize({ width: job.size, height: job.size });
    await page.setContent(
      `<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent;overflow:hidden}</style></head><body>${svg}</body></html>`,
    );
    const out = path.join(outRoot, job.out);
    await mkdir(path.dirname(out), { recursive: true });
    const png = await page.screenshot({
      path: out,
      omitBackground: true,
      clip: { x: 0, y: 0, width: job.size, height: job.size },
    });
    const { width, height } = pngSize(png);
    if (width !== job.size || height !== job.size) {
      throw new Error(`${job.out}: expected ${job.size}x${job.size}, got ${width}x${height}`);
    }
    console.log(`${job.out}  ${width}x${height}  ${png.length} B`);
  }
} finally {
  await browser.close();
}
