/**
 * The app:// handler in plain Node (it is Electron-free): a real renderer folder on disk, with
 * symbolic links in and out of it, a sibling folder whose name starts like it, and secrets
 * around it. Invariant: no request, however its path is written, is answered with a byte of a
 * file outside the renderer folder.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { RENDERER_CSP_HEADER } from '../../shared/security/csp';
import { appProtocolHandler, appUrl, isAppOrigin, isRendererUrl } from './app-protocol';

let base: string;
let root: string;
/** Every file inside the renderer folder, by content: a 200 must answer one of these. */
const insideContents = new Set<string>();
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'traindeck-app-protocol-')));
  root = join(base, 'renderer');
  const inside = (path: string, content: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
    insideContents.add(content);
  };
  inside('index.html', '<!doctype html><title>TrainDeck</title>');
  inside('assets/index-abc123.js', 'export const app = 1;');
  inside('assets/index-abc123.css', 'body { color: black }');
  inside('assets/inter.woff2', 'wOF2');
  inside('favicon.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
  inside('assets/ünïcode name.js', 'export const unicode = 1;');
  // Secrets around the folder: above it, in a sibling whose name starts like it, in another folder.
  writeFileSync(join(base, 'secret.txt'), 'SECRET above');
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'secret.txt'), 'SECRET sibling');
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'secret.txt'), 'SECRET outside');
  symlinkSync(join(base, 'outside', 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(join(base, 'outside'), join(root, 'assets', 'out-dir'));
  symlinkSync('../secret.txt', join(root, 'relative-out.txt'));
  symlinkSync(join(root, 'assets', 'index-abc123.js'), join(root, 'link-in.js'));
  handle = appProtocolHandler(root);
});

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('the app:// protocol handler', () => {
  it('serves index.html at the root and by name, with the CSP header', async () => {
    for (const url of ['app://traindeck/', 'app://traindeck/index.html', appUrl('costs')]) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(RENDERER_CSP_HEADER);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>TrainDeck</title>');
    }
  });

  it('gives each file its content type (a module script must be JavaScript) and caches hashed assets', async () => {
    const expected: Record<string, string> = {
      'assets/index-abc123.js': 'text/javascript; charset=utf-8',
      'assets/index-abc123.css': 'text/css; charset=utf-8',
      'assets/inter.woff2': 'font/woff2',
      'favicon.svg': 'image/svg+xml',
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await get(`app://traindeck/${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe(type);
    }
    expect((await get('app://traindeck/assets/index-abc123.js')).headers.get('cache-control')).toContain('immutable');
  });

  it('serves a percent-encoded unicode name, and a link that stays inside the folder', async () => {
    const unicode = await get(`app://traindeck/assets/${encodeURIComponent('ünïcode name.js')}`);
    expect(await unicode.text()).toBe('export const unicode = 1;');
    expect(await (await get('app://traindeck/link-in.js')).text()).toBe('export const app = 1;');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://traindeck/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://traindeck/index.html', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('never serves outside the folder: dot segments, encodings, links, absolute paths, other hosts', async () => {
    for (const url of [
      'app://traindeck/../secret.txt',
      'app://traindeck/%2e%2e/secret.txt',
      'app://traindeck/%2E%2e/%2e%2E/secret.txt',
      'app://traindeck/..%2fsecret.txt',
      'app://traindeck/..%5csecret.txt',
      'app://traindeck/assets/..%2F..%2Fsecret.txt',
      'app://traindeck/%252e%252e/secret.txt',
      'app://traindeck/link-out.txt',
      'app://traindeck/relative-out.txt',
      'app://traindeck/assets/out-dir/secret.txt',
      'app://traindeck/..%2frenderer-evil/secret.txt',
      `app://traindeck/${encodeURIComponent(join(base, 'secret.txt'))}`,
      `app://traindeck/${join(base, 'secret.txt')}`,
      'app://traindeck/C:%5cWindows%5cwin.ini',
      'app://traindeck/index.html%00.js',
      'app://traindeck/%E0%A4%A',
      'app://traindeck/assets',
      'app://evil/index.html',
      'app://traindeck.evil/index.html',
      'app://traindeck/missing.js',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy'), url).toBe(RENDERER_CSP_HEADER);
      expect(await response.text(), url).not.toContain('SECRET');
    }
  });

  it('property: no generated URL is answered with anything but a file of the renderer folder', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '',
        '%2e%2e',
        '%2E.',
        '.%2e',
        '%252e%252e',
        '..%2f',
        '%2f..',
        '..%5c',
        '%5c',
        '\\',
        '%00',
        '%',
        '%zz',
        'C:',
        'c%3A',
        '~',
        'assets',
        'out-dir',
        'link-out.txt',
        'relative-out.txt',
        'link-in.js',
        'index.html',
        'index-abc123.js',
        'secret.txt',
        'outside',
        'renderer',
        'renderer-evil',
        '%C3%BCn%C3%AFcode%20name.js',
      ),
      fc.string({ maxLength: 6 }).map(encodeURIComponent),
      fc.string({ maxLength: 6 }),
    );
    // Mostly our own host and relative paths, so that most URLs reach a real file or link.
    const host = fc.oneof(
      { arbitrary: fc.constant('traindeck'), weight: 8 },
      fc.constantFrom('evil', 'traindeck.evil', 'TRAINDECK', ''),
    );
    const absolute = fc.oneof(
      { arbitrary: fc.constant(''), weight: 6 },
      fc.constantFrom(`${base}/`, `${encodeURIComponent(base)}/`, `/${base}/`),
    );
    // Each URL ends on something that exists, inside or outside, reached through hostile segments.
    const target = fc.constantFrom(
      'index.html',
      'link-in.js',
      'link-out.txt',
      'relative-out.txt',
      'assets/out-dir/secret.txt',
      'assets%2fout-dir%2fsecret.txt',
      'secret.txt',
      'outside/secret.txt',
      'renderer-evil/secret.txt',
      'renderer/index.html',
      '',
    );
    const urls = fc
      .tuple(host, absolute, fc.array(segment, { maxLength: 5 }), target)
      .map(([name, prefix, segments, tail]) => `app://${name}/${prefix}${[...segments, tail].join('/')}`);
    await fc.assert(
      fc.asyncProperty(urls, async (url) => {
        let request: Request;
        try {
          request = new Request(url);
        } catch {
          return; // not a URL Chromium would hand to the handler
        }
        const response = await handle(request);
        const body = await response.text();
        expect(body).not.toContain('SECRET');
        expect([200, 404]).toContain(response.status);
        if (response.status === 200) expect(insideContents.has(body), url).toBe(true);
      }),
      { seed: 42, numRuns: 800 },
    );
  });
});

describe('the app origin and the renderer page', () => {
  it('opens the window on the page given in the hash', () => {
    expect(appUrl()).toBe('app://traindeck/index.html');
    expect(appUrl('costs')).toBe('app://traindeck/index.html#page=costs');
  });

  it('knows its own origin and nothing else', () => {
    expect(isAppOrigin('app://traindeck/index.html#page=runs')).toBe(true);
    expect(isAppOrigin('app://traindeck/assets/x.js')).toBe(true);
    for (const url of [
      'app://traindeck.evil/',
      'app://evil/',
      'app://traindeck@evil/',
      'https://traindeck/',
      'file:///opt/TrainDeck/dist/renderer/index.html',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppOrigin(url), url).toBe(false);
    }
  });

  it('trusts only the renderer page on the app origin, with or without a query or fragment (the IPC sender check)', () => {
    for (const url of ['app://traindeck/index.html', 'app://traindeck/', 'app://traindeck/index.html?x=1#page=runs']) {
      expect(isRendererUrl(url), url).toBe(true);
    }
    for (const url of [
      'app://traindeck/index.html.evil.html',
      'app://traindeck/other.html',
      'app://traindeck/assets/index.html',
      'file:///opt/TrainDeck/resources/app.asar/dist/renderer/index.html',
      'http://127.0.0.1:43117/index.html',
      'app://evil/index.html',
      'about:blank',
      '',
    ]) {
      expect(isRendererUrl(url), url).toBe(false);
    }
  });

  it("keeps the CSP strict: scripts only from the page's origin, no eval, connections only to it", () => {
    const directives = new Map(
      RENDERER_CSP_HEADER.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(RENDERER_CSP_HEADER).not.toMatch(/unsafe-(eval|inline)|wasm-unsafe-eval|\*/);
  });
});
