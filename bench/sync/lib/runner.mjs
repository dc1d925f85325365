// One measured transfer pair (upload to an empty prefix of a fresh bucket, download into an
// empty folder, verify every byte, drop the bucket), and the SSE-C/storage-class probe.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { verifyCopy } from './datasets.mjs';
import { lastLines, timed } from './proc.mjs';
import { removeBucket } from './server.mjs';

export const PREFIX = 'bench';

async function measure(ctx, tool, spec, label) {
  const r = await timed(
    spec.cmd,
    spec.args,
    { env: spec.env, cwd: spec.cwd, timeoutMs: 20 * 60_000 },
    join(ctx.tmp, 'rss.txt'),
  );
  let error = r.code !== 0 ? `exit ${r.code ?? r.signal}: ${lastLines(r.stderr || r.stdout, 6)}` : tool.outputError(r);
  if (error) error = `${label}: ${error}`;
  return { ok: !error, seconds: r.seconds, rssKiB: r.rssKiB, error };
}

/** HEAD the first and the largest file (multipart for aws in the probe): SSE-C? storage class? */
async function inspectSample(ctx, bucket, files) {
  const largest = files.reduce((a, b) => (b.size > a.size ? b : a));
  const sample = [...new Set([files[0], largest])];
  const seen = [];
  for (const f of sample) {
    seen.push({ key: f.rel, size: f.size, ...(await ctx.inspectObject(bucket, `${PREFIX}/data/${f.rel}`)) });
  }
  const classes = [...new Set(seen.map((o) => o.storageClass))];
  return { sseC: seen.every((o) => o.sseC), storageClass: classes.join(','), objects: seen };
}

/** The local root that the pair of `bucket` downloads into (`data/` in it is the tool's to create). */
export function downloadRoot(ctx, bucket) {
  return join(ctx.tmp, 'dl', bucket);
}

/**
 * Upload `data` (a generated dataset) with `tool` into a fresh bucket and download it again.
 * Returns { up, down, object } (object: what HEAD says about the first file, if `inspect`).
 * `keepDownload`: the download goes into its pre-made empty root and stays there (the caller removes
 * it); else the root is made here and removed at the end.
 */
export async function transferPair(ctx, tool, mode, data, bucket, { inspect = false, keepDownload = false } = {}) {
  const dlRoot = downloadRoot(ctx, bucket);
  const dst = join(dlRoot, 'data');
  if (!keepDownload) await rm(dlRoot, { recursive: true, force: true });
  await mkdir(dlRoot, { recursive: true }); // empty local root; `data/` is the tool's to create
  await ctx.createBucket(bucket);
  try {
    const up = await measure(
      ctx,
      tool,
      await tool.upload(ctx, { bucket, prefix: PREFIX, src: data.dir, mode }),
      'upload',
    );
    if (!up.ok) return { up, down: { ok: false, skipped: true, error: 'upload failed' } };
    const object = inspect ? await inspectSample(ctx, bucket, data.files) : undefined;
    const down = await measure(
      ctx,
      tool,
      await tool.download(ctx, { bucket, prefix: PREFIX, dst, mode, files: data.files }),
      'download',
    );
    if (down.ok) {
      const problems = await verifyCopy(data.files, dst, { hashes: true });
      if (problems.length) Object.assign(down, { ok: false, error: `download verify: ${problems.join('; ')}` });
    }
    return { up, down, object };
  } finally {
    if (!keepDownload) await rm(dlRoot, { recursive: true, force: true });
    await removeBucket(ctx.server, bucket, ctx.base);
  }
}

/**
 * Try the tool's modes (SSE-C first) on the probe set; the first that uploads, downloads
 * identical bytes and leaves SSE-C objects (when asked) wins. Returns { mode, sseC,
 * storageClass, attempts }; mode is null if nothing worked.
 */
export async function probeTool(ctx, tool, probe) {
  const attempts = [];
  for (const [i, mode] of tool.modes.entries()) {
    const bucket = `bench-probe-${tool.name}-${i}`;
    let res;
    try {
      res = await transferPair(ctx, tool, mode, probe, bucket, { inspect: true });
    } catch (e) {
      attempts.push({ mode, ok: false, error: e.message });
      continue;
    }
    const { up, down, object } = res;
    const attempt = { mode, ok: up.ok && down.ok, error: up.error ?? down.error ?? null, object };
    if (attempt.ok && mode.sse && !object?.sseC) {
      Object.assign(attempt, { ok: false, error: 'objects were stored without SSE-C although asked for it' });
    }
    attempts.push(attempt);
    if (attempt.ok) return { mode, sseC: Boolean(object?.sseC), storageClass: object?.storageClass ?? null, attempts };
  }
  return { mode: null, sseC: false, storageClass: null, attempts };
}
