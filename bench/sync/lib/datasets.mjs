// Benchmark datasets: deterministic sizes and contents from a fixed seed, written once per
// run into a temp folder (never into the repo). Contents are an AES-256-CTR keystream, which
// is incompressible like real random bytes but reproducible and fast to make (~1 GB/s).
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** The seed's sizes (issue 16): 10 x 1 GiB Parquet-like files and 2 GiB of models; only on request. */
const SEED_SPEC = {
  id: 'seed',
  label: '10 x 1 GiB + 2 GiB models',
  kind: 'list',
  files: [
    ...Array.from({ length: 10 }, (_, i) => ({
      rel: `datasets/train-${String(i).padStart(2, '0')}.parquet`,
      size: GiB,
    })),
    { rel: 'models/model.safetensors', size: 2 * GiB },
  ],
};

/** Dataset definitions; `quick` shrinks them for a fast check; `wanted` may add the slow `seed` set. */
export function datasetSpecs(quick, wanted = []) {
  return [...defaultSpecs(quick), ...(wanted.includes('seed') ? [SEED_SPEC] : [])];
}

function defaultSpecs(quick) {
  return quick
    ? [
        { id: 'small', label: `200 x 4-64 KiB`, kind: 'small', count: 200, min: 4 * KiB, max: 64 * KiB },
        { id: 'medium', label: `5 x 10 MiB`, kind: 'large', count: 5, size: 10 * MiB },
        { id: 'large', label: `1 x 100 MiB`, kind: 'large', count: 1, size: 100 * MiB },
      ]
    : [
        { id: 'small', label: `2000 x 4-64 KiB`, kind: 'small', count: 2000, min: 4 * KiB, max: 64 * KiB },
        { id: 'medium', label: `20 x 50 MiB`, kind: 'large', count: 20, size: 50 * MiB },
        { id: 'large', label: `1 x 1 GiB`, kind: 'large', count: 1, size: GiB },
      ];
}

/** A tiny set for checking that a tool really does SSE-C + Intelligent-Tiering (one multipart file). */
export const PROBE_SPEC = {
  id: 'probe',
  label: 'probe',
  kind: 'list',
  files: [
    { rel: 'a.bin', size: 1000 },
    { rel: 'sub/b.bin', size: 64 * KiB },
    { rel: 'c.bin', size: 9 * MiB },
  ],
};

/** mulberry32: a tiny seeded PRNG for the file sizes. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [{ rel, size }] for a spec: small files go into 20 sub-folders (recursion is part of the job). */
export function fileList(spec, seed) {
  if (spec.files) return spec.files.map((f) => ({ ...f }));
  const rand = prng(seed);
  const files = [];
  for (let i = 0; i < spec.count; i++) {
    if (spec.kind === 'small') {
      const size = spec.min + Math.floor(rand() * (spec.max - spec.min + 1));
      files.push({ rel: `d${String(i % 20).padStart(2, '0')}/f${String(i).padStart(5, '0')}.bin`, size });
    } else {
      files.push({ rel: `part-${String(i).padStart(3, '0')}.bin`, size: spec.size });
    }
  }
  return files;
}

const ZEROS = Buffer.alloc(MiB);

/** Write one file of `size` keystream bytes; returns its SHA-256 (hex). */
async function writeFile(path, size, seedText) {
  const key = createHash('sha256').update(seedText).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= MiB) {
    const chunk = cipher.update(left >= MiB ? ZEROS : ZEROS.subarray(0, left));
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/**
 * Generate a dataset under `root/<id>/data/`. Returns { dir, files: [{rel,size,sha256}], bytes }.
 */
export async function generate(spec, root, seed) {
  const dir = join(root, spec.id, 'data');
  const files = fileList(spec, seed);
  for (const f of files) {
    const path = join(dir, f.rel);
    await mkdir(join(path, '..'), { recursive: true });
    f.sha256 = await writeFile(path, f.size, `${seed}:${spec.id}:${f.rel}`);
  }
  return { dir, files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

async function sha256File(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: MiB })) hash.update(chunk);
  return hash.digest('hex');
}

async function walk(dir, base = dir, out = []) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, base, out);
    else out.push(relative(base, p));
  }
  return out;
}

/**
 * Check a downloaded copy: same set of paths and sizes, and (if `hashes`) the same SHA-256.
 * Returns a list of problems (empty = identical).
 */
export async function verifyCopy(expected, dir, { hashes }) {
  const problems = [];
  let found;
  try {
    found = new Set(await walk(dir));
  } catch (e) {
    return [`cannot read ${dir}: ${e.code ?? e.message}`];
  }
  for (const f of expected) {
    if (!found.has(f.rel)) {
      problems.push(`missing ${f.rel}`);
      continue;
    }
    found.delete(f.rel);
    const path = join(dir, f.rel);
    const st = await stat(path);
    if (st.size !== f.size) problems.push(`${f.rel}: size ${st.size} != ${f.size}`);
    else if (hashes && (await sha256File(path)) !== f.sha256) {
      problems.push(`${f.rel}: content differs`);
    }
    if (problems.length > 5) break;
  }
  for (const extra of [...found].slice(0, 5)) problems.push(`unexpected ${extra}`);
  return problems;
}
