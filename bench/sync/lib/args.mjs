// Command-line options of `npm run bench:sync -- [options]`.
import { TOOLS } from './tools.mjs';

export const USAGE = `usage: npm run bench:sync -- [options]
  --quick            small datasets (200 files, 5 x 10 MiB, 1 x 100 MiB), 1 run
  --tools LIST       comma-separated, from: ${Object.keys(TOOLS).join(', ')} (default: ours,aws,rclone,curl)
  --runs N           runs per dataset x tool (default 3; 1 with --quick)
  --datasets LIST    subset of small,medium,large,seed (default: the first three; seed = 10 x 1 GiB
                     + 2 GiB of models, slow: the RGW then keeps objects on disk (bluestore), for
                     every row of that run; needs 3 x 12 GiB free in $TMPDIR)
  --seed N           seed of the file sizes and contents (default 1)
  --out FILE         results JSON (default bench/sync/results/latest.json)
  --ours-cli FILE    our CLI to measure (default: dist/cli/traindeck.mjs, built from this checkout first)
  --rclone-flags S   rclone's concurrency flags (default "--transfers 16 --checkers 32"; "" = its defaults)
  --tls              the default: ours, aws and curl over the RGW's HTTPS endpoint (its throw-away CA
                     trusted), as users run (real S3 takes SSE-C over HTTPS only); rclone always is
  --http             ours, aws and curl over plain HTTP instead (rclone stays on HTTPS: it sends SSE-C
                     keys over TLS only); ours-http is on plain HTTP either way
  --keep-server      leave the Ceph RGW running at the end (default: stop it)
  --first            give the RGW and every tool autogroup nice -15 (root): near-quiet figures on a busy machine
  -h, --help`;

export function parseArgs(argv) {
  const opts = {
    quick: false,
    tools: ['ours', 'aws', 'rclone', 'curl'],
    runs: null,
    datasets: null,
    seed: 1,
    out: null,
    oursCli: null,
    rcloneFlags: null,
    keepServer: false,
    first: false,
    tls: true,
  };
  const value = (i, name) => {
    if (i + 1 >= argv.length) throw new Error(`${name} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--keep-server') opts.keepServer = true;
    else if (a === '--first') opts.first = true;
    else if (a === '--tls') opts.tls = true;
    else if (a === '--http') opts.tls = false;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '--tools') {
      opts.tools = value(i++, a)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (a === '--datasets') {
      opts.datasets = value(i++, a)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (a === '--runs') opts.runs = Number(value(i++, a));
    else if (a === '--seed') opts.seed = Number(value(i++, a));
    else if (a === '--out') opts.out = value(i++, a);
    else if (a === '--ours-cli') opts.oursCli = value(i++, a);
    else if (a === '--rclone-flags') opts.rcloneFlags = value(i++, a).split(/\s+/).filter(Boolean);
    else throw new Error(`unknown option ${a}`);
  }
  for (const t of opts.tools) {
    if (!TOOLS[t]) throw new Error(`unknown tool "${t}" (known: ${Object.keys(TOOLS).join(', ')})`);
  }
  if (opts.tools.length === 0) throw new Error('--tools is empty');
  for (const d of opts.datasets ?? []) {
    if (!['small', 'medium', 'large', 'seed'].includes(d)) throw new Error(`unknown dataset "${d}"`);
  }
  if (opts.runs === null) opts.runs = opts.quick ? 1 : 3;
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  return opts;
}
