/**
 * Packaging check: electron-builder turns the built dist/ into an app whose app.asar holds every
 * bundle and icon the app loads, and nothing unbundled (no node_modules/, no .ts sources).
 *
 * Runs offline on any machine: it packages the Linux `dir` target against a stub Electron
 * distribution (electron-builder only copies that folder and renames its `electron` executable,
 * so one executable shell script is enough), so neither the real Electron binary nor a network
 * download is needed. It needs `npm run build` to have run first.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD_TIMEOUT_MS = 90_000;

/** The fuses the packaged app must have (issue #14): what electron-builder.yml's electronFuses says. */
const REQUIRED_FUSES = {
  runAsNode: false,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/** electron-builder.yml as an object (js-yaml comes with electron-builder). */
function builderConfig(): Record<string, unknown> {
  const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(path.join(projectRoot, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
}

/**
 * Bare modules a shipped bundle may still load at run time: Node built-ins, Electron, and the
 * optional native helpers of `ws`, which it requires inside try/catch and does without.
 */
// Optional at run time, loaded in try/catch by their users: ws's native speed-ups, the AWS SDK's
// CRT and SigV4a signers (needed only for S3 multi-region access points, which TrainDeck does not
// use), and ssh2's cpu-features (ssh2 falls back to JavaScript crypto without its native parts).
const RUNTIME_PROVIDED = new Set([
  ...builtinModules,
  'electron',
  'bufferutil',
  'utf-8-validate',
  '@aws-sdk/signature-v4-crt',
  '@aws-sdk/signature-v4a',
  'cpu-features',
]);
/** The Node bundles the desktop app ships (in app.asar). */
const SHIPPED_BUNDLES = ['dist/main/main.cjs', 'dist/preload/preload.cjs', 'dist/executor/executor.mjs'];
/** Built for npm (the CLI, the browser host), not shipped in the app: checked in dist/. */
const NPM_BUNDLES = ['dist/cli/traindeck.mjs', 'dist/web/host.mjs'];

/** Bare specifiers in require("x"), import("x"), `from "x"` and `import "x"` (relative ones skipped). */
function bareImports(code: string): string[] {
  const found = new Set<string>();
  // Specifiers hold no whitespace or ';', which keeps minified text like `"from";\n var x = "` out.
  const pattern = /(?:\brequire\(|\bimport\(|\bfrom\s*|\bimport\s+)(["'])([^"'./;\s][^"';\s]*)\1/g;
  for (const match of code.matchAll(pattern)) found.add(match[2] ?? '');
  return [...found];
}

/** Every `*.map` below `dir` with the bundle it describes (relative to dist/) and its sources (inputs). */
async function sourceMaps(dir: string, base = dir): Promise<{ bundle: string; sources: string[] }[]> {
  const found: { bundle: string; sources: string[] }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sourceMaps(full, base)));
    else if (entry.name.endsWith('.map')) {
      const { sources } = JSON.parse(readFileSync(full, 'utf8')) as { sources: string[] };
      found.push({ bundle: path.relative(base, full).split(path.sep).join('/'), sources });
    }
  }
  return found;
}

/** The two @electron/asar functions this test uses (typed here so no type import relies on hoisting). */
interface AsarApi {
  listPackage(archivePath: string, options: { isPack: boolean }): string[];
  extractFile(archivePath: string, filename: string): Buffer;
}

/**
 * Loads the @electron/asar that electron-builder itself uses, resolved through its dependency
 * chain (electron-builder -> app-builder-lib -> @electron/asar) rather than relying on npm
 * having hoisted it to the project's node_modules.
 */
function loadAsar(): AsarApi {
  const fromProject = createRequire(path.join(projectRoot, 'package.json'));
  const fromBuilder = createRequire(fromProject.resolve('electron-builder/package.json'));
  const fromAppBuilderLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
  return fromAppBuilderLib('@electron/asar') as AsarApi;
}

function electronBuilderCli(): string {
  const fromProject = createRequire(path.join(projectRoot, 'package.json'));
  return fromProject.resolve('electron-builder/cli.js');
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd, env, timeout: BUILD_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) {
          const why = error.killed ? `timed out after ${BUILD_TIMEOUT_MS / 1000}s` : `exit code ${String(error.code)}`;
          reject(new Error(`electron-builder failed (${why}):\n${output}`));
        } else {
          resolve(output);
        }
      },
    );
  });
}

describe('electron-builder package (linux dir, stub Electron)', () => {
  let tmp = '';
  let unpackedDir = '';
  let asarPath = '';
  let entries: string[] = [];
  let asar: AsarApi;

  beforeAll(async () => {
    if (!existsSync(path.join(projectRoot, 'dist', 'main', 'main.cjs'))) {
      throw new Error('dist/main/main.cjs is missing: run npm run build first');
    }
    asar = loadAsar();
    tmp = await mkdtemp(path.join(os.tmpdir(), 'traindeck-packaging-'));

    // Stub Electron distribution. On Linux, electron-builder copies the electronDist folder
    // as-is into <out>/linux-unpacked and renames `electron` to the executable name; nothing
    // else in the folder is read (no version file, LICENSE or resources/ needed).
    const stubDist = path.join(tmp, 'electron-stub');
    await mkdir(stubDist);
    const stubExe = path.join(stubDist, 'electron');
    await writeFile(stubExe, '#!/bin/sh\necho "stub Electron used by e2e/packaging; not runnable" >&2\nexit 1\n');
    await chmod(stubExe, 0o755);

    // The stub has no fuse wire to flip (@electron/fuses would stop at its missing sentinel), so
    // this build uses the same configuration without the fuses; the fuses block is asserted below.
    const { electronFuses: _fuses, ...withoutFuses } = builderConfig();
    const stubConfig = path.join(tmp, 'electron-builder.stub.json');
    await writeFile(stubConfig, JSON.stringify(withoutFuses));

    const outDir = path.join(tmp, 'out');
    await run(
      process.execPath,
      [
        electronBuilderCli(),
        '--linux',
        'dir',
        '--config',
        stubConfig,
        '--publish',
        'never',
        `-c.electronDist=${stubDist}`,
        `-c.directories.output=${outDir}`,
        '-c.npmRebuild=false',
      ],
      projectRoot,
      {
        ...process.env,
        // Keep electron-builder's tool cache (not used by the dir target) out of the user's home.
        ELECTRON_BUILDER_CACHE: path.join(tmp, 'cache'),
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        // No code signing is attempted for Linux; make sure nothing picks up a developer's identity.
        CSC_IDENTITY_AUTO_DISCOVERY: 'false',
      },
    );

    // linux-unpacked on x64, linux-<arch>-unpacked elsewhere.
    const unpacked = (await readdir(outDir)).filter((name) => /^linux(-[a-z0-9]+)?-unpacked$/.test(name));
    expect(unpacked, `unpacked app folder in ${outDir}`).toHaveLength(1);
    unpackedDir = path.join(outDir, unpacked[0] ?? '');
    asarPath = path.join(unpackedDir, 'resources', 'app.asar');
    entries = asar
      .listPackage(asarPath, { isPack: false })
      .map((entry) => `/${entry.replaceAll('\\', '/').replace(/^\/+/, '')}`);
  }, BUILD_TIMEOUT_MS + 15_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('flips the hardening fuses at packaging (configuration only: the stub binary has no fuse wire)', () => {
    expect(builderConfig().electronFuses).toMatchObject(REQUIRED_FUSES);
  });

  it('produces the renamed executable and an app.asar', async () => {
    expect((await stat(path.join(unpackedDir, 'traindeck'))).isFile()).toBe(true);
    expect((await stat(asarPath)).isFile()).toBe(true);
  });

  it.each([
    '/dist/main/main.cjs',
    '/dist/preload/preload.cjs',
    '/dist/renderer/index.html',
    '/dist/executor/executor.mjs',
    '/assets/icon.png',
    '/assets/tray/tray-16.png',
    '/package.json',
  ])('contains %s', (entry) => {
    expect(entries).toContain(entry);
  });

  it('contains the bundled renderer script', () => {
    expect(entries.filter((entry) => /^\/dist\/renderer\/assets\/[^/]+\.js$/.test(entry)).length).toBeGreaterThan(0);
  });

  it('ships a package.json whose main is the bundled entry', () => {
    const pkg = JSON.parse(asar.extractFile(asarPath, 'package.json').toString('utf8')) as Record<string, unknown>;
    expect(pkg.main).toBe('dist/main/main.cjs');
    expect(pkg.devDependencies).toBeUndefined();
  });

  it('ships nothing unbundled: no node_modules/', () => {
    expect(entries.filter((entry) => entry.split('/').includes('node_modules'))).toEqual([]);
  });

  it('leaves out the CLI and the browser host, which the app never loads (about 10 MB)', () => {
    expect(entries.filter((entry) => entry.startsWith('/dist/cli/') || entry.startsWith('/dist/web/'))).toEqual([]);
  });

  it('ships Node bundles that load nothing from node_modules', () => {
    const unbundled = SHIPPED_BUNDLES.flatMap((bundle) =>
      bareImports(asar.extractFile(asarPath, bundle).toString('utf8'))
        .filter((specifier) => !RUNTIME_PROVIDED.has(specifier.replace(/^node:/, '')))
        .map((specifier) => `${bundle}: ${specifier}`),
    );
    expect(unbundled).toEqual([]);
  });

  it('builds the CLI and browser host for npm just as self-contained', async () => {
    // The CLI is split into chunks loaded on demand; they must be as self-contained as the entries.
    const chunks = (await readdir(path.join(projectRoot, 'dist', 'cli', 'chunks')))
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => `dist/cli/chunks/${name}`);
    expect(chunks.length).toBeGreaterThan(0);
    const unbundled = [...NPM_BUNDLES, ...chunks].flatMap((bundle) =>
      bareImports(readFileSync(path.join(projectRoot, bundle), 'utf8'))
        .filter((specifier) => !RUNTIME_PROVIDED.has(specifier.replace(/^node:/, '')))
        .map((specifier) => `${bundle}: ${specifier}`),
    );
    expect(unbundled).toEqual([]);
  });

  it('bundles nothing from a testing/ folder (the inputs each bundle source map lists)', async () => {
    // dist/ keeps each bundle's source map (the app leaves them out, see below): its `sources` are the
    // bundle's inputs. Code under testing/ never ships; a fake that ships lives in fake/ (the demo account).
    const maps = await sourceMaps(path.join(projectRoot, 'dist'));
    const bundles = [
      'main/main.cjs',
      'preload/preload.cjs',
      'executor/executor.mjs',
      'cli/traindeck.mjs',
      'web/host.mjs',
    ];
    for (const bundle of bundles) {
      expect(
        maps.map((map) => map.bundle),
        bundle,
      ).toContain(`${bundle}.map`);
    }
    expect(maps.some((map) => map.bundle.startsWith('renderer/'))).toBe(true);
    const inputs = maps.flatMap((map) => map.sources.map((source) => ({ bundle: map.bundle, source })));
    // The check reads real inputs: the demo account (main/aws/fake) is in the app's main bundle.
    expect(inputs.some((i) => i.bundle === 'main/main.cjs.map' && i.source.includes('main/aws/fake/'))).toBe(true);
    // Our own sources only: a package may have a testing/ folder of its own.
    const fromTesting = inputs.filter(
      (i) => !i.source.includes('node_modules/') && i.source.split('/').includes('testing'),
    );
    expect(fromTesting.map((i) => `${i.bundle}: ${i.source}`)).toEqual([]);
  });

  it('ships no TypeScript sources or source maps', () => {
    expect(entries.filter((entry) => /\.[cm]?tsx?$/.test(entry))).toEqual([]);
    expect(entries.filter((entry) => entry.endsWith('.map'))).toEqual([]);
  });
});
