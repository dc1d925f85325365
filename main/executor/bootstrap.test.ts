import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BOOTSTRAP = resolve(import.meta.dirname, 'bootstrap.sh');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'traindeck-bootstrap-'));
  // A stand-in executor that shows what it was started with and what arrived on stdin.
  await writeFile(
    join(work, 'executor.mjs'),
    "let input = ''; process.stdin.on('data', (d) => (input += d)); process.stdin.on('end', () => console.log(JSON.stringify({ args: process.argv.slice(2), stdin: input })));",
  );
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('bootstrap.sh', () => {
  // SAFETY: never pass --on-instance here. On a cloud-init machine (a CI runner on EC2) it would
  // arm a real power-off; without it the script must not touch the machine's power at all.
  it('without --on-instance arms no power-off, finds Node >= 20, and hands stdin (the secrets) to `executor start`', () => {
    const result = spawnSync('sh', [BOOTSTRAP, work, '600'], {
      input: '{"sseKey":"secret"}',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('time-to-live enforced by the executor only');
    expect(JSON.parse(result.stdout)).toEqual({ args: ['start', '--work', work], stdin: '{"sseKey":"secret"}' });
  });

  it('nothing before the executor reads stdin: a Node version check (or apt, dnf, sudo) never swallows the secrets', async () => {
    // A `node` first on PATH that, for the version check (`node -e …`), reads all of its stdin into a file,
    // as apt-get's debconf prompt or a sudo password prompt would; then runs the real Node.
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const swallowed = join(work, 'swallowed');
    await writeFile(
      join(bin, 'node'),
      `#!/bin/sh\nif [ "$1" = "-e" ]; then cat >> '${swallowed}'; fi\nexec '${process.execPath}' "$@"\n`,
      { mode: 0o755 },
    );
    const result = spawnSync('sh', [BOOTSTRAP, work, '600'], {
      input: '{"sseKey":"secret"}',
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(result.status).toBe(0);
    expect(await readFile(swallowed, 'utf8')).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ args: ['start', '--work', work], stdin: '{"sseKey":"secret"}' });
  });
});
