#!/usr/bin/env node
// `npm run bench:sync`: our sync engine vs `aws s3 sync` and `rclone copy` on the same
// throw-away Ceph RGW and the same generated data. See bench/sync/README.md.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseArgs, USAGE } from './lib/args.mjs';
import { buildOurs, checkoutState } from './lib/build.mjs';
import { datasetSpecs, generate, PROBE_SPEC } from './lib/datasets.mjs';
import { ensurePackages } from './lib/deps.mjs';
import { runFirst, stopAll } from './lib/proc.mjs';
import { formatTable, formatTargets, ratios, summarize, targets } from './lib/report.mjs';
import { downloadRoot, PREFIX, probeTool, transferPair } from './lib/runner.mjs';
import { memoryWatch, startServer, stopServer } from './lib/server.mjs';
import { AWS, cleanEnv, RCLONE, toolContext, toolNotes, TOOLS } from './lib/tools.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const GiB = 1024 ** 3;
const log = (msg) => console.error(`[bench] ${msg}`);
/**
 * A dataset whose downloads of all its pairs fit in this many bytes (the small set: 9 x 66 MiB) is
 * downloaded by every tool into its own folder made before the dataset's first pair, and the folders
 * are removed only after its last: no download creates its files right after the harness deleted
 * thousands (ext4 then paid for the deletion inside the next tool's timing, the sooner the more: the
 * tool with the quickest upload downloaded closest to it). Larger sets are removed after each pair,
 * as before: kept, their gigabytes would be written back to the disk during the later tools' runs.
 */
const KEEP_DOWNLOADS_MAX_BYTES = 2 * GiB;

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`bench:sync: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

const state = { tmp: null, serverDir: null, serverUp: false, mem: null, cleaning: null };

async function cleanup() {
  state.cleaning ??= (async () => {
    state.mem?.stop();
    await stopAll();
    if (state.serverDir && state.serverUp && opts.keepServer) {
      log(`--keep-server: RGW left running; stop it with e2e/services/s3-down.sh ${state.serverDir}`);
      for (const d of ['data', 'dl']) await rm(join(state.tmp, d), { recursive: true, force: true });
      return;
    }
    if (state.serverDir) {
      try {
        await stopServer(REPO, state.serverDir, cleanEnv());
      } catch (e) {
        log(`warning: ${e.message}`);
      }
    }
    if (state.tmp) await rm(state.tmp, { recursive: true, force: true });
  })();
  return state.cleaning;
}

for (const [sig, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]) {
  process.on(sig, () => {
    state.aborting = true;
    log(`${sig}: stopping children and the S3 server...`);
    cleanup().finally(() => process.exit(code));
  });
}

/** Memory an RGW needs to store `bytes`: memstore holds every object in RAM, bluestore on disk. */
const serverRamFor = (bytes, store) => (store === 'memstore' ? 1.6 * bytes + GiB : 2 * GiB); // memstore: ~1.4 bytes of RSS per stored byte here

/** Wait (bounded) until the machine has room for one more copy of a dataset in the OSD. */
async function ensureMemory(mem, bytes, store) {
  const need = serverRamFor(bytes, store);
  for (let waited = 0; ; waited += 5) {
    await mem.sample();
    const avail = mem.now().availKiB * 1024;
    if (avail >= need) return;
    if (waited >= 180) {
      throw new Error(
        `only ${(avail / GiB).toFixed(1)} GiB available, need ${(need / GiB).toFixed(1)} GiB; stopping (memory not sane)`,
      );
    }
    if (waited === 0) log(`low memory (${(avail / GiB).toFixed(1)} GiB available): waiting up to 180 s...`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

const seedBytes = () =>
  datasetSpecs(false, ['seed'])
    .find((s) => s.id === 'seed')
    .files.reduce((n, f) => n + f.size, 0);

/**
 * The seed set (12 GiB) is stored on disk (bluestore: no machine here has the RAM for it in
 * memstore while other work runs) and needs three times its size free in $TMPDIR: the files,
 * their downloaded copy and the RGW's block file. Said before anything is installed, started or
 * generated.
 */
async function checkSeedRoom() {
  const bytes = seedBytes();
  const needRam = serverRamFor(bytes, 'bluestore');
  const availRam = Number(/MemAvailable:\s+(\d+)/.exec(await readFile('/proc/meminfo', 'utf8'))?.[1] ?? 0) * 1024;
  const fs = await statfs(tmpdir());
  const needDisk = 3 * bytes + 4 * GiB;
  const availDisk = fs.bavail * fs.bsize;
  const gib = (n) => (n / GiB).toFixed(1);
  if (availRam < needRam) {
    throw new Error(
      `--datasets seed needs ${gib(needRam)} GiB of available memory, and this machine has ${gib(availRam)} GiB. Stop other work, or leave seed out of --datasets.`,
    );
  }
  if (availDisk < needDisk) {
    throw new Error(
      `--datasets seed needs ${gib(needDisk)} GiB free in ${tmpdir()} (the files, their downloaded copy and the RGW's block file), and there are ${gib(availDisk)} GiB. Point TMPDIR at a larger disk, or leave seed out of --datasets.`,
    );
  }
}

async function main() {
  const started = new Date();
  if (opts.datasets?.includes('seed')) await checkSeedRoom();
  const wanted = opts.tools.map((n) => TOOLS[n]);
  const bins = ['/usr/bin/time', AWS]; // aws also makes buckets and inspects objects
  if (opts.tools.includes('rclone')) bins.push(RCLONE);
  await ensurePackages(bins, log);
  state.code = await checkoutState(REPO);
  if (opts.tools.includes('ours') && !opts.oursCli) {
    log('building our CLI from this checkout (npm run build:node; --ours-cli FILE measures another build) ...');
    await buildOurs(REPO);
  }

  state.tmp = await mkdtemp(join(tmpdir(), 'traindeck-bench-'));
  state.serverDir = join(state.tmp, 's3');
  const key = randomBytes(32);
  const keyFile = join(state.tmp, 'sse-c.key');
  await writeFile(keyFile, key, { mode: 0o600 });

  log(`starting Ceph RGW in ${state.serverDir} ...`);
  // With the seed set every row of the run is measured on an RGW that keeps objects on disk.
  state.store = opts.datasets?.includes('seed') ? 'bluestore' : 'memstore';
  const serverEnv =
    state.store === 'bluestore' ? { ...cleanEnv(), S3_BLUESTORE_BYTES: String(seedBytes() + 8 * GiB) } : cleanEnv();
  const server = await startServer(REPO, state.serverDir, serverEnv, { outliveHarness: opts.keepServer });
  state.serverUp = true;
  if (opts.first) runFirst(server.pids); // the daemons are sessions of their own; every tool from now on too
  log(`S3 endpoint ${server.endpoint}`);
  const ctx = await toolContext({
    repo: REPO,
    tmp: state.tmp,
    server,
    keyFile,
    key,
    oursCli: opts.oursCli && resolve(opts.oursCli),
    rcloneFlags: opts.rcloneFlags,
    tls: opts.tls,
  });
  const notes = toolNotes(opts.tls);

  const tools = {};
  for (const tool of wanted) {
    const c = await tool.check(ctx);
    tools[tool.name] = {
      available: c.ok,
      reason: c.reason ?? null,
      version: c.version ?? null,
      note: notes[tool.name] ?? null,
    };
    if (!c.ok) log(`SKIP ${tool.name}: ${c.reason}`);
  }

  const dataRoot = join(state.tmp, 'data');
  await mkdir(dataRoot, { recursive: true });
  const probe = await generate(PROBE_SPEC, dataRoot, opts.seed);
  const specs = datasetSpecs(opts.quick, opts.datasets ?? []).filter(
    (s) => !opts.datasets || opts.datasets.includes(s.id),
  );
  const datasets = [];
  let t = Date.now();
  for (const spec of specs) datasets.push({ ...spec, ...(await generate(spec, dataRoot, opts.seed)) });
  log(
    `generated ${datasets.map((d) => `${d.label} (${(d.bytes / 2 ** 20).toFixed(0)} MiB)`).join(', ')} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );

  // Which storage settings does each tool really apply on this server?
  const active = [];
  for (const tool of wanted.filter((w) => tools[w.name].available)) {
    const p = await probeTool(ctx, tool, probe);
    const sseWanted = tool.modes.some((m) => m.sse);
    Object.assign(tools[tool.name], {
      mode: p.mode,
      sseWanted,
      sseC: p.sseC,
      storageClass: p.storageClass,
      probe: p.attempts,
    });
    for (const a of p.attempts.filter((x) => !x.ok)) {
      log(`probe ${tool.name} (SSE-C ${a.mode.sse ? 'on' : 'off'}): FAILED: ${a.error.split('\n').at(-1)}`);
    }
    if (!p.mode) {
      tools[tool.name].available = false;
      tools[tool.name].reason = `probe failed: ${p.attempts.at(-1)?.error}`;
      log(`SKIP ${tool.name}: ${tools[tool.name].reason}`);
      continue;
    }
    log(`probe ${tool.name}: SSE-C ${p.sseC ? 'yes' : 'NO'}, storage class ${p.storageClass}`);
    active.push(tool);
  }
  if (active.length === 0) throw new Error('no tool can run');

  const mem = memoryWatch(server);
  state.mem = mem;
  const rows = [];
  const row = (dataset, direction, tool) => {
    let r = rows.find((x) => x.dataset === dataset && x.direction === direction && x.tool === tool);
    if (!r) rows.push((r = { dataset, direction, tool, runs: [] }));
    return r;
  };
  t = Date.now();
  for (const ds of datasets) {
    mem.mark(ds.id);
    const pairs = [];
    for (let run = 0; run < opts.runs; run++) {
      // Rotate the order per run so no tool always goes first (or right after the heaviest).
      const order = active.map((_, i) => active[(i + run) % active.length]);
      for (const tool of order) {
        if (!tool.datasets || tool.datasets.includes(ds.id)) {
          pairs.push({ run, tool, bucket: `bench-${ds.id}-${tool.name}-${run + 1}` });
        }
      }
    }
    const keepDownloads = ds.bytes * pairs.length <= KEEP_DOWNLOADS_MAX_BYTES;
    if (keepDownloads) for (const { bucket } of pairs) await mkdir(downloadRoot(ctx, bucket), { recursive: true });
    for (const { run, tool, bucket } of pairs) {
      await ensureMemory(mem, ds.bytes, state.store);
      const res = await transferPair(ctx, tool, tools[tool.name].mode, ds, bucket, {
        inspect: run === 0,
        keepDownload: keepDownloads,
      });
      row(ds.id, 'up', tool.name).runs.push(res.up);
      row(ds.id, 'down', tool.name).runs.push(res.down);
      if (res.object) row(ds.id, 'up', tool.name).object = res.object;
      const fmt = (x) =>
        x.ok
          ? `${x.seconds.toFixed(2)} s, ${x.rssKiB == null ? '?' : (x.rssKiB / 1024).toFixed(0)} MiB`
          : `FAILED ${x.skipped ? '(skipped)' : x.error}`;
      log(
        `${ds.id} run ${run + 1}/${opts.runs} ${tool.name.padEnd(9)} up ${fmt(res.up)} | down ${fmt(res.down)} | server RSS ${(mem.now().serverKiB / 1024).toFixed(0)} MiB`,
      );
    }
    if (keepDownloads) {
      for (const { bucket } of pairs) await rm(downloadRoot(ctx, bucket), { recursive: true, force: true });
    }
  }
  const benchSeconds = (Date.now() - t) / 1000;

  const summary = summarize(rows, datasets);
  const ratioList = ratios(summary);
  const targetList = targets(summary, tools);
  const out = resolve(opts.out ?? join(HERE, 'results/latest.json'));

  console.log(
    `\nSync benchmark ${opts.quick ? '(QUICK: small datasets, indicative only) ' : ''}- ${opts.runs} run(s) each, median; ${cpus().length} CPUs shared by clients and the RGW; load at start ${state.load.join(' ')}`,
  );
  const loadEnd = loadavg().map((x) => x.toFixed(2));
  if (Math.max(...state.load, ...loadEnd) > cpus().length) {
    console.log(
      `WARNING: the machine was busy (load ${state.load[0]} at start, ${loadEnd[0]} at end, ${cpus().length} CPUs): other processes share the CPUs, expect noise; compare the min-max spread`,
    );
  }
  console.log(
    `server ${ctx.transferEndpoint}${opts.tls ? ' (HTTPS, throw-away CA)' : ' (plain HTTP)'} (Ceph RGW, ${state.store === 'memstore' ? 'memstore: objects in RAM' : 'bluestore: objects on disk, as --datasets seed asks'}); warm page cache; every download verified byte for byte (SHA-256)`,
  );
  const code = state.code.commit
    ? `${state.code.commit}${state.code.dirty ? ' with uncommitted changes' : ''}`
    : 'unknown (not a git checkout)';
  console.log(`code: ${opts.oursCli ? `ours from ${opts.oursCli}; checkout ${code}` : `ours built from ${code}`}`);
  if (opts.first) console.log('--first: the RGW and every tool ran at autogroup nice -15 (ahead of other sessions)');
  for (const [name, info] of Object.entries(tools)) {
    const how = info.available
      ? `SSE-C ${info.sseC ? 'yes' : info.sseWanted ? 'NO (failed, see probe)' : 'off'}, storage class ${info.storageClass}`
      : `SKIPPED: ${info.reason}`;
    console.log(
      `  ${name.padEnd(9)} ${info.version ? `${info.version} - ` : ''}${how}${info.note ? ` - ${info.note}` : ''}`,
    );
  }
  console.log(
    `  rclone flags: ${ctx.rcloneFlags.join(' ') || '(its defaults: --transfers 4 --checkers 8)'}; aws: CLI defaults (10 concurrent requests, 8 MiB parts), --only-show-errors\n`,
  );
  console.log(formatTable(summary, ratioList, tools, datasets));
  if (Object.values(tools).some((x) => x.available && x.sseWanted && !x.sseC)) {
    console.log(
      '  * NO: this tool could not do SSE-C against this server and ran without it (see the probe errors in the JSON).',
    );
  }
  console.log(
    `\nTargets (issue 16)${opts.quick ? ' - quick run, indicative only' : ''}:\n${formatTargets(targetList)}`,
  );
  const peaks = mem.peaks();
  console.log(
    `\nserver RSS peak (mon+OSD+RGW) per dataset: ${Object.entries(peaks)
      .map(([k, v]) => `${k} ${(v.serverKiB / 1024).toFixed(0)} MiB`)
      .join(
        ', ',
      )}; lowest MemAvailable ${(Math.min(...Object.values(peaks).map((v) => v.minAvailKiB)) / 1024 / 1024).toFixed(1)} GiB`,
  );
  console.log(`benchmark phase ${benchSeconds.toFixed(0)} s; results: ${out}`);

  await mkdir(dirname(out), { recursive: true });
  const result = {
    version: 1,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    options: { ...opts, out },
    code: { ...state.code, oursBuiltFromCheckout: opts.tools.includes('ours') && !opts.oursCli },
    machine: {
      cpus: cpus().length,
      totalMemGiB: totalmem() / GiB,
      freeMemGiBAtEnd: freemem() / GiB,
      loadAtStart: state.load,
      loadAtEnd: loadavg(),
    },
    server: {
      endpoint: ctx.transferEndpoint,
      httpEndpoint: server.endpoint,
      kind: `Ceph RGW (e2e/services/s3-up.sh), ${state.store}`,
      memoryPeaks: peaks,
    },
    method: {
      prefix: PREFIX,
      rss: 'GNU time %M (wait4 ru_maxrss of the tool process), KiB',
      seconds: 'wall clock around the tool process',
      perRun:
        'fresh bucket; upload to an empty prefix; download into an empty folder; verify sizes + SHA-256; bucket rm --purge-objects --bypass-gc',
      peerFlags: {
        rclone: ctx.rcloneFlags,
        aws: ['--only-show-errors', 'CLI defaults: max_concurrent_requests 10, multipart 8 MiB'],
      },
    },
    tools,
    datasets: datasets.map((d) => ({ id: d.id, label: d.label, files: d.files.length, bytes: d.bytes })),
    results: summary,
    ratios: ratioList,
    targets: targetList,
  };
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
}

state.load = loadavg().map((x) => x.toFixed(2));
main()
  .then(() => cleanup())
  .catch(async (e) => {
    if (state.aborting) return; // the signal handler cleans up and exits
    log(`error: ${e.stack ?? e.message}`);
    await cleanup();
    process.exit(1);
  });
