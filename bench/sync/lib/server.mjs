// The S3 server under test: a throw-away Ceph RADOS Gateway started with the project's
// e2e/services/s3-up.sh and stopped with s3-down.sh (which stops exactly its own PIDs).
// Buckets are made with the aws CLI and removed with `radosgw-admin bucket rm --purge-objects
// --bypass-gc`, which frees memstore's RAM at once (an S3 delete waits for GC, >= 60 s).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { lastLines, run } from './proc.mjs';

/**
 * Starts the RGW with a TLS endpoint too (S3_TLS=1): rclone sends SSE-C keys only over HTTPS.
 * Tied to this process (S3_WATCH_PID): a harness killed with SIGKILL, or whose terminal closed,
 * takes the server down with it; `outliveHarness` (--keep-server) leaves it running on purpose.
 */
export async function startServer(repo, dir, env, { outliveHarness = false } = {}) {
  const watch = outliveHarness ? {} : { S3_WATCH_PID: String(process.pid) };
  const r = await run(join(repo, 'e2e/services/s3-up.sh'), [dir], {
    env: { ...env, S3_TLS: '1', ...watch },
    timeoutMs: 15 * 60_000,
  });
  if (r.code !== 0) throw new Error(`s3-up.sh failed (exit ${r.code}):\n${lastLines(r.stderr, 20)}`);
  const cfg = JSON.parse(await readFile(join(dir, 'env.json'), 'utf8'));
  const pids = (await readFile(join(dir, 'pids'), 'utf8')).split(/\s+/).filter(Boolean).map(Number);
  return {
    dir,
    endpoint: cfg.TRAINDECK_TEST_S3_ENDPOINT,
    tlsEndpoint: cfg.TRAINDECK_TEST_S3_TLS_ENDPOINT,
    caFile: cfg.TRAINDECK_TEST_S3_CA_FILE,
    accessKey: cfg.TRAINDECK_TEST_S3_ACCESS_KEY,
    secretKey: cfg.TRAINDECK_TEST_S3_SECRET_KEY,
    region: cfg.TRAINDECK_TEST_S3_REGION,
    pids, // mon, OSD, gateway
  };
}

export async function stopServer(repo, dir, env) {
  const r = await run(join(repo, 'e2e/services/s3-down.sh'), [dir], {
    env,
    timeoutMs: 120_000,
    evenWhenStopping: true,
  });
  if (r.code !== 0) throw new Error(`s3-down.sh failed (exit ${r.code}): ${lastLines(r.stderr, 5)}`);
}

export async function removeBucket(server, bucket, env) {
  const r = await run(
    'radosgw-admin',
    ['-c', join(server.dir, 'ceph.conf'), 'bucket', 'rm', `--bucket=${bucket}`, '--purge-objects', '--bypass-gc'],
    {
      env,
      timeoutMs: 10 * 60_000,
    },
  );
  if (r.code !== 0) {
    throw new Error(`radosgw-admin bucket rm ${bucket} failed (exit ${r.code}): ${lastLines(r.stderr, 5)}`);
  }
}

function kib(text, field) {
  const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

/**
 * Samples the server daemons' RSS and the machine's MemAvailable every 500 ms; `peak(label)`
 * gives the highest server RSS seen since the last `mark(label)`.
 */
export function memoryWatch(server) {
  const state = { serverKiB: 0, availKiB: Infinity, peaks: new Map(), current: null };
  const sample = async () => {
    let total = 0;
    for (const pid of server.pids) {
      try {
        total += kib(await readFile(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      } catch {
        // daemon gone
      }
    }
    state.serverKiB = total;
    try {
      state.availKiB = kib(await readFile('/proc/meminfo', 'utf8'), 'MemAvailable');
    } catch {
      // no /proc/meminfo: leave as is
    }
    if (state.current) {
      const p = state.peaks.get(state.current);
      p.serverKiB = Math.max(p.serverKiB, total);
      p.minAvailKiB = Math.min(p.minAvailKiB, state.availKiB);
    }
  };
  const timer = setInterval(() => void sample(), 500);
  timer.unref();
  return {
    sample,
    now: () => ({ serverKiB: state.serverKiB, availKiB: state.availKiB }),
    mark(label) {
      state.current = label;
      if (!state.peaks.has(label)) state.peaks.set(label, { serverKiB: 0, minAvailKiB: Infinity });
    },
    peaks: () => Object.fromEntries(state.peaks),
    stop: () => clearInterval(timer),
  };
}
