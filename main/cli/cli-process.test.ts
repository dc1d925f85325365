import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cliOutput, createCliHost, type GuardedProcess } from './cli-process';
import { buildScript } from './testing/build-cli';

/** A process stand-in: signals and guard events are emitted by the test; `exit` is recorded. */
function fakeProcess() {
  const proc = Object.assign(new EventEmitter(), {
    exits: [] as number[],
    exit: (code: number) => void proc.exits.push(code),
  });
  return proc;
}

function recorder() {
  const lines: string[] = [];
  return { lines, output: { write: (text: string) => void lines.push(text), closed: false } };
}

describe('cliOutput', () => {
  it('a write that fails with EPIPE (the reader left) marks the stream closed; later writes are dropped, nothing throws', async () => {
    let writes = 0;
    const stream = new Writable({
      write(_chunk, _encoding, done) {
        writes += 1;
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const out = cliOutput(stream);
    out.write('first line\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.closed).toBe(true);
    out.write('second line\n');
    expect(writes).toBe(1);
  });
});

describe('createCliHost', () => {
  it('stop signals go to the command, each with its count; none kills the process', () => {
    const proc = fakeProcess();
    const host = createCliHost(proc as unknown as GuardedProcess, recorder().output);
    const seen: string[] = [];
    host.onStopSignal((signal, count) => seen.push(`${signal} ${count}`));
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('SIGHUP', 'SIGHUP');
    proc.emit('SIGTERM', 'SIGTERM');
    expect(seen).toEqual(['SIGINT 1', 'SIGHUP 2', 'SIGTERM 3']);
    expect(proc.exits).toEqual([]);
  });

  it('an empty event loop before the command settled, while it holds resources: teardown first, then exit 1 with the reason', async () => {
    const proc = fakeProcess();
    const err = recorder();
    const host = createCliHost(proc as unknown as GuardedProcess, err.output);
    host.holdResources({
      describe: () => 'run demo (aws-ec2)',
      teardown: async () => 'Teardown of demo: 3 resource(s) deleted.',
    });
    proc.emit('beforeExit', 0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(err.lines.join('')).toMatch(
      /a wait never settled.*\n.*tearing down run demo \(aws-ec2\) before exiting\n.*Teardown of demo: 3 resource\(s\) deleted\.\n/,
    );
    expect(proc.exits).toEqual([1]);
  });

  it('after the command settled, an empty event loop is the normal end', () => {
    const proc = fakeProcess();
    const host = createCliHost(proc as unknown as GuardedProcess, recorder().output);
    host.commandSettled();
    proc.emit('beforeExit', 0);
    expect(proc.exits).toEqual([]);
  });
});

describe('the guard in a real process', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'traindeck-guard-'));
    // A command that holds resources and then (a) waits on a promise nobody settles, or (b) throws
    // from a callback, or (c) leaves a rejection unhandled: what issue 12's silent exit looked like.
    script = await buildScript(
      `import { cliOutput, createCliHost, type GuardedProcess } from './cli-process';
      const host = createCliHost(process, cliOutput(process.stderr));
      host.holdResources({ describe: () => 'run demo (aws-ec2)', teardown: async () => 'Teardown of demo: 2 resource(s) deleted.' });
      const mode = process.argv[2];
      if (mode === 'throw') setTimeout(() => { throw new Error('boom'); }, 10);
      if (mode === 'reject') void Promise.reject(new Error('lost promise'));
      await new Promise(() => {});`,
      join(dir, 'guard.mjs'),
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, RegExp]> = [
    ['hang', /a wait never settled/],
    ['throw', /unexpected error: boom/],
    ['reject', /unexpected error: lost promise/],
  ];
  for (const [mode, reason] of cases) {
    it(`${mode}: exits 1 (not 13, not silently) after the teardown path`, () => {
      const child = spawnSync(process.execPath, [script, mode], { encoding: 'utf8', timeout: 30_000 });
      expect(child.status).toBe(1);
      expect(child.stderr).toMatch(reason);
      expect(child.stderr).toMatch(
        /tearing down run demo \(aws-ec2\) before exiting\ntraindeck: Teardown of demo: 2 resource\(s\) deleted\./,
      );
      expect(child.stderr).not.toMatch(/unsettled top-level await/);
    });
  }
});
