/* eslint-disable no-control-regex -- terminal output is what these tests read: its escapes are the point */
/**
 * `traindeck run` shows the training's live tqdm bar while it trains (#15 point 1), in a real
 * local run: the executor on this computer, S3 on Ceph RGW, and a training that replays the
 * first epoch of a real PyTorch + tqdm recording (its `\r` redraws, as tqdm wrote them to stderr).
 * Invariant: a bar state short of 100 % is printed before the training phase ends.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunFixture } from '../runs/pipeline/testing/run-fixture';
import { runCli } from './cli';
import { type CliRunFixture, createCliRunFixture } from './testing/cli-run-fixture';

let fixture: CliRunFixture;
let f: RunFixture;
let projectRoot: string;
let config: string;

/** Every ~11th redraw of epoch 1 of the real recording (300 steps, 447 redraws), 120 ms apart: about 5 s. */
function replayScript(): string {
  const recorded = readFileSync(
    join(import.meta.dirname, '..', 'monitor', 'testing', 'fixtures', 'recorded', 'torch-tqdm.stderr.raw'),
    'utf8',
  );
  const redraws = recorded.split('\n')[0]!.split('\r').filter(Boolean);
  const picked = redraws.filter((_, i) => i % 11 === 0 || i === redraws.length - 1);
  return [
    `const redraws = ${JSON.stringify(picked)};`,
    'console.log("epoch 1 starting");',
    'for (const redraw of redraws) {',
    "  process.stderr.write('\\r' + redraw);",
    '  await new Promise((resolve) => setTimeout(resolve, 120));',
    '}',
    "process.stderr.write('\\n');",
    'console.log("training finished");',
  ].join('\n');
}

beforeAll(async () => {
  fixture = await createCliRunFixture('cli-live');
  ({ f, projectRoot } = fixture);
  await writeFile(join(f.dir, 'replay-bar.mjs'), replayScript());
  config = join(f.dir, 'live.json');
  await writeFile(
    config,
    JSON.stringify(
      f.config((raw) => {
        raw.training.command = 'node replay-bar.mjs';
        (raw.code.overrides as unknown[]).push({ source: join(f.dir, 'replay-bar.mjs'), target: 'replay-bar.mjs' });
      }),
    ),
  );
}, 120_000);
afterAll(() => fixture?.cleanup());

async function run(terminal?: { isTTY: boolean; columns(): number | undefined }) {
  let out = '';
  let err = '';
  // Ceph serves no STS: the store's own credentials go to this computer's run, confirmed by the flag.
  const code = await runCli(['run', '--config', config, '--backend', 'local', '--send-store-credentials'], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: fixture.env(),
    projectRoot,
    ...(terminal ? { terminal } : {}),
  });
  return { code, out, err };
}

/** The epoch-1 percentages of the bar states printed before `✓ training`. */
function barsBeforeTrainingEnded(out: string, marker: RegExp): number[] {
  const end = out.indexOf('✓ training\n');
  expect(end, out).toBeGreaterThan(0);
  return [...out.slice(0, end).matchAll(marker)].map((match) => Number(match[1]));
}

describe('traindeck run shows the live progress bar', () => {
  it('on a terminal: redrawn in place, clipped to its width, never on a log line’s row', async () => {
    const { code, out, err } = await run({ isTTY: true, columns: () => 60 });
    expect(err).toBe('');
    expect(code).toBe(0);
    const percents = barsBeforeTrainingEnded(out, /\r {2}▸ Epoch 1\/3: +(\d+)%/g);
    expect(
      percents.some((percent) => percent > 0 && percent < 100),
      out,
    ).toBe(true);
    // Each redraw fits 59 columns; every printed line starts on a row the bar left.
    for (const [redraw] of out.matchAll(/\r {2}▸ [^\r\n\x1b]*/g)) {
      expect([...redraw.slice(1)].length).toBeLessThanOrEqual(59);
    }
    // What a row shows in the end is what follows its last \r: a log line's row shows that line alone
    // (the bar erased first when it was drawn; under load the bar may close before the last lines).
    const rows = out.split('\n').map((line) => ({
      line,
      visible: line
        .split('\r')
        .at(-1)!
        .replace(/\x1b\[K/g, ''),
    }));
    const logRows = rows.filter(({ line }) => / {2}\| \d{4}-\d\d-\d\dT/.test(line));
    expect(
      logRows.some(({ visible }) => visible.includes('training finished')),
      out,
    ).toBe(true);
    for (const { line, visible } of logRows) expect(visible, line).toMatch(/^ {2}\| \d{4}-/);
  }, 120_000);

  it('in a pipe: no redraw, a plain progress line, then the training’s own lines', async () => {
    const { code, out } = await run();
    expect(code).toBe(0);
    expect(out).not.toMatch(/[\r\x1b]/);
    const percents = barsBeforeTrainingEnded(out, /^ {2}▸ Epoch 1\/3: +(\d+)%/gm);
    // At most one line every 30 s: a 5 s training prints exactly one.
    expect(percents).toHaveLength(1);
    expect(percents[0]).toBeLessThan(100);
    expect(out).toMatch(/ {2}\| .*training finished\n/);
  }, 120_000);
});
