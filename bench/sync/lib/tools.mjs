// The contenders. Each tool builds its own upload/download command for a bucket+prefix;
// all of them get the same environment minus any AWS_*/RCLONE_* variables of the caller
// (AWS_CA_BUNDLE breaks Debian's rclone; ~/.aws settings must not tune one tool only).
import { createHash } from 'node:crypto';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

import { presign } from './presign.mjs';
import { lastLines, run } from './proc.mjs';

export const AWS = '/usr/bin/aws';
export const RCLONE = '/usr/bin/rclone';
// rclone's defaults are --transfers 4 --checkers 8; on 2 cores and 2,000 small files 16/32
// was as fast or faster in a sweep of 4/8, 8/16, 16/32, 32/32 (see README).
export const RCLONE_TUNING = ['--transfers', '16', '--checkers', '32'];
// awscli's own defaults, written out so that a ~/.aws/config cannot change them.
const AWS_CONFIG = `[default]
region = us-east-1
s3 =
  max_concurrent_requests = 10
  multipart_threshold = 8MB
  multipart_chunksize = 8MB
`;

/** The caller's environment without AWS_*, RCLONE_* and TRAINDECK_TEST_* variables. */
export function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|RCLONE_|TRAINDECK_TEST_)/.test(k)) env[k] = v;
  return env;
}

/**
 * Shared plumbing: env per tool, and aws-CLI admin calls (bucket, head-object). `tls`: ours, aws and
 * curl transfer over the RGW's HTTPS endpoint with its throw-away CA trusted (rclone always does).
 */
export async function toolContext({ repo, tmp, server, keyFile, key, oursCli, rcloneFlags, tls = false }) {
  if (tls && !server.tlsEndpoint) {
    throw new Error('--tls: the RGW has no HTTPS endpoint (s3-up.sh ran without S3_TLS=1)');
  }
  await writeFile(join(tmp, 'aws-config'), AWS_CONFIG);
  await writeFile(join(tmp, 'aws-config-empty'), '');
  await writeFile(join(tmp, 'rclone.conf'), '');
  const base = cleanEnv();
  const noCreds = join(tmp, 'no-aws-credentials');
  const awsEnv = {
    ...base,
    AWS_ACCESS_KEY_ID: server.accessKey,
    AWS_SECRET_ACCESS_KEY: server.secretKey,
    AWS_DEFAULT_REGION: server.region,
    AWS_CONFIG_FILE: join(tmp, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: noCreds,
    AWS_PAGER: '',
  };
  const rcloneEnv = {
    ...base,
    RCLONE_CONFIG: join(tmp, 'rclone.conf'),
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
    // HTTPS: rclone refuses to send SSE-C keys over plain HTTP.
    RCLONE_CONFIG_BENCH_ENDPOINT: server.tlsEndpoint ?? server.endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: server.accessKey,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: server.secretKey,
  };
  // NODE_EXTRA_CA_CERTS (read by Node at start-up) trusts the throw-away CA in every HTTPS client of the
  // process, whichever build of ours runs (--ours-cli A/B against an older one).
  const oursEnvOver = (endpoint) => ({
    ...base,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: server.accessKey,
    AWS_SECRET_ACCESS_KEY: server.secretKey,
    AWS_REGION: server.region,
    AWS_CONFIG_FILE: join(tmp, 'aws-config-empty'),
    AWS_SHARED_CREDENTIALS_FILE: noCreds,
    ...(endpoint.startsWith('https:') ? { NODE_EXTRA_CA_CERTS: server.caFile } : {}),
  });
  const transferEndpoint = tls ? server.tlsEndpoint : server.endpoint;
  const aws = (args) => run(AWS, ['--endpoint-url', server.endpoint, ...args], { env: awsEnv, timeoutMs: 120_000 });
  return {
    repo,
    oursCli: oursCli ?? join(repo, 'dist/cli/traindeck.mjs'),
    rcloneFlags: rcloneFlags ?? RCLONE_TUNING,
    tmp,
    server,
    tls,
    /** Where ours, aws and curl send their transfers (the bench's transport). */
    transferEndpoint,
    /** aws CLI arguments that pick the transfer endpoint (and trust its CA over HTTPS). */
    awsEndpointArgs: ['--endpoint-url', transferEndpoint, ...(tls ? ['--ca-bundle', server.caFile] : [])],
    keyFile,
    keyB64: key.toString('base64'),
    keyMd5: createHash('md5').update(key).digest('base64'),
    base,
    awsEnv,
    rcloneEnv,
    oursEnv: oursEnvOver(transferEndpoint),
    /** ours over plain HTTP whatever the transport: the `ours-http` reference row. */
    oursHttpEnv: oursEnvOver(server.endpoint),
    async createBucket(bucket) {
      const r = await aws(['s3api', 'create-bucket', '--bucket', bucket]);
      if (r.code !== 0) throw new Error(`create-bucket ${bucket} failed: ${lastLines(r.stderr, 3)}`);
    },
    /** What the server says about one object: encrypted with our key? storage class? */
    async inspectObject(bucket, key) {
      const sse = ['--sse-customer-algorithm', 'AES256', '--sse-customer-key', `fileb://${keyFile}`];
      const plain = await aws(['s3api', 'head-object', '--bucket', bucket, '--key', key]);
      if (plain.code === 0) {
        const h = JSON.parse(plain.stdout);
        return { exists: true, sseC: false, storageClass: h.StorageClass ?? 'STANDARD', metadata: h.Metadata ?? {} };
      }
      const withKey = await aws(['s3api', 'head-object', '--bucket', bucket, '--key', key, ...sse]);
      if (withKey.code !== 0) return { exists: false, error: lastLines(withKey.stderr || plain.stderr, 2) };
      const h = JSON.parse(withKey.stdout);
      return {
        exists: true,
        // readable only with our key (HEAD without it was refused)
        sseC: h.SSECustomerAlgorithm === 'AES256',
        refusedWithoutKey: lastLines(plain.stderr, 1),
        storageClass: h.StorageClass ?? 'STANDARD',
        metadata: h.Metadata ?? {},
      };
    },
  };
}

function awsTool(name, withSse) {
  const sseArgs = (ctx, mode) => (mode.sse ? ['--sse-c', 'AES256', '--sse-c-key', `fileb://${ctx.keyFile}`] : []);
  return {
    name,
    peer: true,
    modes: withSse ? [{ sse: true }, { sse: false }] : [{ sse: false }],
    async check() {
      const r = await run(AWS, ['--version'], { env: cleanEnv() }).catch((e) => ({
        code: -1,
        stderr: e.message,
        stdout: '',
      }));
      return r.code === 0
        ? { ok: true, version: r.stdout.trim() }
        : { ok: false, reason: `${AWS} --version failed: ${lastLines(r.stderr, 1)}` };
    },
    upload: async (ctx, { bucket, prefix, src, mode }) => ({
      cmd: AWS,
      args: [
        ...ctx.awsEndpointArgs,
        's3',
        'sync',
        src,
        `s3://${bucket}/${prefix}/data/`,
        '--only-show-errors',
        '--storage-class',
        'INTELLIGENT_TIERING',
        ...sseArgs(ctx, mode),
      ],
      env: ctx.awsEnv,
    }),
    download: async (ctx, { bucket, prefix, dst, mode }) => ({
      cmd: AWS,
      args: [
        ...ctx.awsEndpointArgs,
        's3',
        'sync',
        `s3://${bucket}/${prefix}/data/`,
        dst,
        '--only-show-errors',
        ...sseArgs(ctx, mode),
      ],
      env: ctx.awsEnv,
    }),
    outputError: () => null,
  };
}

const rcloneTls = (ctx) => (ctx.server.tlsEndpoint ? ['--ca-cert', ctx.server.caFile] : []);

const rcloneSse = (ctx, mode) =>
  mode.sse ? ['--s3-sse-customer-algorithm', 'AES256', '--s3-sse-customer-key-base64', ctx.keyB64] : [];

const rclone = {
  name: 'rclone',
  peer: true,
  modes: [{ sse: true }, { sse: false }],
  async check() {
    const r = await run(RCLONE, ['version'], { env: cleanEnv() }).catch((e) => ({
      code: -1,
      stderr: e.message,
      stdout: '',
    }));
    return r.code === 0
      ? { ok: true, version: r.stdout.split('\n')[0].trim() }
      : { ok: false, reason: `${RCLONE} version failed: ${lastLines(r.stderr, 1)}` };
  },
  upload: async (ctx, { bucket, prefix, src, mode }) => ({
    cmd: RCLONE,
    args: [
      'copy',
      src,
      `bench:${bucket}/${prefix}/data`,
      ...rcloneTls(ctx),
      ...ctx.rcloneFlags,
      '--s3-storage-class',
      'INTELLIGENT_TIERING',
      ...rcloneSse(ctx, mode),
    ],
    env: ctx.rcloneEnv,
  }),
  download: async (ctx, { bucket, prefix, dst, mode }) => ({
    cmd: RCLONE,
    args: [
      'copy',
      `bench:${bucket}/${prefix}/data`,
      dst,
      ...rcloneTls(ctx),
      ...ctx.rcloneFlags,
      ...rcloneSse(ctx, mode),
    ],
    env: ctx.rcloneEnv,
  }),
  outputError: () => null,
};

function oursConfig(ctx, { bucket, prefix, localRoot, policy }) {
  return {
    version: 1,
    aws: { region: ctx.server.region },
    storage: {
      bucket,
      prefix,
      sseKeyFile: ctx.keyFile,
      localRoot,
      folders: [{ name: 'data', local: 'data', remote: 'data', policy }],
    },
  };
}

/** Our CLI; `ours-http` is the same over plain HTTP whatever the transport (what TLS costs us). */
const oursTool = (name, envOf) => ({
  name,
  peer: false,
  modes: [{ sse: true }], // the engine always does SSE-C + Intelligent-Tiering + SHA-256
  cli: (ctx) => ctx.oursCli,
  async check(ctx) {
    const cli = this.cli(ctx);
    const r = await run(process.execPath, [cli, 'sync', '--help'], {
      env: envOf(ctx),
      cwd: ctx.repo,
      timeoutMs: 60_000,
    }).catch((e) => ({ code: -1, stderr: e.message, stdout: '' }));
    if (r.code !== 0) {
      const why = lastLines(r.stderr || r.stdout, 1) || `exit ${r.code}`;
      return {
        ok: false,
        reason: `\`node ${relative(ctx.repo, cli)} sync --help\` failed (exit ${r.code}: ${why}); build it with \`npm run build:node\``,
      };
    }
    const built = await stat(cli).then(
      (s) => s.mtime.toISOString(),
      () => null,
    );
    return { ok: true, version: `${relative(ctx.repo, cli)} built ${built}` };
  },
  async command(ctx, verb, cfg) {
    const path = join(ctx.tmp, `ours-${verb}.json`);
    await writeFile(path, JSON.stringify(cfg, null, 2));
    return {
      cmd: process.execPath,
      args: [this.cli(ctx), 'sync', verb, '--config', path, '--json'],
      env: envOf(ctx),
      cwd: ctx.repo,
    };
  },
  upload(ctx, { bucket, prefix, src }) {
    return this.command(
      ctx,
      'push',
      oursConfig(ctx, { bucket, prefix, localRoot: dirname(src), policy: 'local-wins' }),
    );
  },
  download(ctx, { bucket, prefix, dst }) {
    return this.command(ctx, 'pull', oursConfig(ctx, { bucket, prefix, localRoot: dirname(dst), policy: 'pull-only' }));
  },
  /** `--json` prints JSON lines; one is `{"type":"summary","summary":{…}}`, and it must list no failed file. */
  outputError(r) {
    const events = [];
    for (const line of r.stdout.trim().split('\n')) {
      try {
        events.push(JSON.parse(line));
      } catch {
        return `stdout line is not JSON: ${line.slice(0, 200)}`;
      }
    }
    const summary = events.findLast((e) => e?.type === 'summary')?.summary;
    if (!summary) return `no {"type":"summary"} line in: ${r.stdout.trim().split('\n').at(-1)?.slice(0, 200)}`;
    if (summary.failures?.length > 0 || summary.cancelled) {
      return `summary reports failures: ${JSON.stringify(summary.failures).slice(0, 300)}`;
    }
    return null;
  },
});

async function listFiles(dir, base = dir, out = []) {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await listFiles(p, base, out);
    else out.push(relative(base, p));
  }
  return out.sort();
}

/** One curl process per file, one after the other, over presigned URLs: the one-stream ceiling. */
async function curlScript(ctx, method, bucket, prefix, rels, localDir) {
  const sse = [
    'x-amz-server-side-encryption-customer-algorithm: AES256',
    `x-amz-server-side-encryption-customer-key: ${ctx.keyB64}`,
    `x-amz-server-side-encryption-customer-key-md5: ${ctx.keyMd5}`,
  ];
  const lines = ['set -euo pipefail'];
  for (const rel of rels) {
    const url = await presign(ctx.server, method, bucket, `${prefix}/data/${rel}`, ctx.transferEndpoint);
    const file = join(localDir, rel);
    const ca = ctx.tls ? ` --cacert '${ctx.server.caFile}'` : '';
    const common = `curl -sS --fail${ca} ${sse.map((h) => `-H '${h}'`).join(' ')}`;
    lines.push(
      method === 'PUT'
        ? `${common} -H 'x-amz-storage-class: INTELLIGENT_TIERING' -T '${file}' '${url}' >/dev/null`
        : `${common} --create-dirs -o '${file}' '${url}'`,
    );
  }
  return { cmd: '/bin/bash', args: ['-c', lines.join('\n')], env: ctx.base };
}

const curl = {
  name: 'curl',
  peer: false,
  ceiling: true,
  modes: [{ sse: true }],
  // One stream is a ceiling only for one big file; 2,000 sequential curls would measure process start-up.
  datasets: ['large', 'probe'],
  async check() {
    const r = await run('curl', ['--version'], { env: cleanEnv() }).catch((e) => ({
      code: -1,
      stderr: e.message,
      stdout: '',
    }));
    return r.code === 0
      ? { ok: true, version: r.stdout.split('\n')[0].split(' ').slice(0, 2).join(' ') }
      : { ok: false, reason: `curl --version failed: ${lastLines(r.stderr, 1)}` };
  },
  upload: async (ctx, { bucket, prefix, src }) => curlScript(ctx, 'PUT', bucket, prefix, await listFiles(src), src),
  async download(ctx, { bucket, prefix, dst, files }) {
    return curlScript(
      ctx,
      'GET',
      bucket,
      prefix,
      files.map((f) => f.rel),
      dst,
    );
  },
  outputError: () => null,
};

export const TOOLS = {
  ours: oursTool('ours', (ctx) => ctx.oursEnv),
  'ours-http': oursTool('ours-http', (ctx) => ctx.oursHttpEnv),
  aws: awsTool('aws', true),
  'aws-nosse': awsTool('aws-nosse', false),
  rclone,
  curl,
};

/** What each tool's row measured, said beside it (`tls`: the bench's --tls). */
export function toolNotes(tls) {
  const others = tls ? 'ours, aws and curl over HTTPS too' : 'ours, aws and curl over plain HTTP';
  return {
    ours: `over ${tls ? 'HTTPS (the RGW TLS endpoint)' : 'plain HTTP'}`,
    'ours-http': 'ours over plain HTTP (reference: what TLS costs us)',
    aws: `over ${tls ? 'HTTPS (the RGW TLS endpoint, --ca-bundle)' : 'plain HTTP'}`,
    'aws-nosse': 'aws s3 sync without SSE-C (reference: what SSE-C costs on this server)',
    rclone: `over HTTPS (the RGW TLS endpoint; rclone sends SSE-C keys only over TLS); ${others}`,
    curl: `one curl stream per file over presigned URLs with the SSE-C headers, over ${tls ? 'HTTPS' : 'plain HTTP'}: the ceiling, 1 GiB only (not a peer)`,
  };
}
