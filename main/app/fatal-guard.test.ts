import { EventEmitter } from 'node:events';

import { describe, expect, it } from 'vitest';

import { fatalGuard, type FatalGuardDeps, installFatalGuard } from './fatal-guard';

function world(overrides: Partial<FatalGuardDeps> = {}) {
  const calls: string[] = [];
  const told: string[] = [];
  const exits: number[] = [];
  let active = ['run-ec2', 'run-ssh'];
  const holding = new Set(['run-ec2']);
  const deps: FatalGuardDeps = {
    log: { error: () => undefined, info: () => undefined },
    activeRuns: () => active,
    stopAll: async () => {
      calls.push('stopAll');
      active = [];
      holding.delete('run-ec2'); // its own teardown succeeded
    },
    holdsCloudResources: (id) => holding.has(id),
    teardown: async (id) => {
      calls.push(`teardown ${id}`);
      return `Run ${id}: everything tagged with it deleted, verified by a rescan.`;
    },
    tell: (_title, body) => told.push(body),
    exit: (code) => exits.push(code),
    ...overrides,
  };
  return { deps, calls, told, exits, holding };
}

describe('fatal guard: an uncaught error in main ends at $0/h, said, and exit 1', () => {
  it('stops every run gracefully, then exits 1 saying why', async () => {
    const w = world();
    await fatalGuard(w.deps)(new Error('boom.'));
    expect(w.calls).toEqual(['stopAll']);
    expect(w.exits).toEqual([1]);
    expect(w.told[0]).toMatch(/^boom\.\n\n2 run\(s\) stopped/);
    expect(w.told[0]).not.toContain('..');
  });

  it('tears down by tag every run still holding resources after the graceful stop (stop hung past its limit)', async () => {
    const w = world({ stopAll: () => new Promise(() => undefined), gracefulLimitMs: 20 });
    await fatalGuard(w.deps)(new Error('boom'));
    expect(w.calls).toEqual(['teardown run-ec2']);
    expect(w.told[0]).toContain('did not finish in time');
    expect(w.told[0]).toContain('Run run-ec2: everything tagged with it deleted');
    expect(w.exits).toEqual([1]);
  });

  it('a failing stop still exits 1 and names kill-all', async () => {
    const w = world({
      stopAll: async () => {
        throw new Error('bus gone');
      },
      holdsCloudResources: () => {
        throw new Error('state lost');
      },
    });
    await fatalGuard(w.deps)(new Error('boom'));
    expect(w.told[0]).toContain('traindeck kill-all');
    expect(w.exits).toEqual([1]);
  });

  it('no run going on: says why and exits 1 at once', async () => {
    const w = world({ activeRuns: () => [] });
    await fatalGuard(w.deps)('not an Error');
    expect(w.calls).toEqual([]);
    expect(w.told).toEqual(['not an Error.\n\nTrainDeck exits; start it again.']);
    expect(w.exits).toEqual([1]);
  });

  it('uncaught exceptions and unhandled rejections both reach it; a second error while stopping is only logged', async () => {
    let release!: () => void;
    const w = world({ stopAll: () => new Promise<void>((resolve) => (release = resolve)) });
    const proc = new EventEmitter();
    const seen: unknown[] = [];
    const onFatal = fatalGuard(w.deps);
    installFatalGuard(proc, async (error) => {
      seen.push(error);
      await onFatal(error);
    });
    proc.emit('uncaughtException', new Error('first'));
    proc.emit('unhandledRejection', new Error('second'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(2);
    expect(w.exits).toEqual([]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(w.exits).toEqual([1]);
    expect(w.told).toHaveLength(1);
    expect(w.told[0]).toMatch(/^first\./);
  });
});
